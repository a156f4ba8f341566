// Compiled into each package that writes files by path (linked from its csproj), so no package depends on another for it
// and none gains public API: Nko.Data (NpyFile.Write), Nko.Ranker (RankerConfig.Save), Nko.Lm (model and ARPA files)
// and the nko CLI.
using System.Collections.Concurrent;

namespace Nko.IO;

/// <summary>
/// Writes a file all-or-nothing: the bytes go to a uniquely named temporary file beside the target
/// (<c>target.tmp-&lt;random&gt;</c>), which is flushed to disk and renamed over the target by <see cref="Commit"/>.
/// </summary>
/// <remarks>
/// <para>Disposing without a successful <see cref="Commit"/> deletes the temporary file, so a failure (full disk, file size
/// limit, exception in the caller, cancellation) never leaves a partial target and never touches the previous one. On POSIX
/// the rename is atomic: readers see the old file or the new one, never a mix.</para>
/// <para>Errors name the target, not the temporary file, and say whether the previous file is unchanged. A target that is a
/// device or a <c>/proc</c> entry (e.g. <c>/dev/null</c>, <c>/dev/stdout</c>) cannot be replaced by a rename: it is written
/// directly. The rename replaces a symbolic link's final target, not the link. The new file gets default permissions.</para>
/// </remarks>
internal sealed class AtomicFileWriter : IDisposable
{
    private readonly string _target;
    private readonly string? _temporary;
    private readonly bool _targetExisted;
    private readonly FileStream _file;
    private readonly GuardedStream _stream;
    private bool _committed;

    // Temporary files being written, so that a process being stopped (Ctrl+C) can delete them: see DeletePending.
    // EFBIG (27 on Linux and macOS), as the HResult: .NET on Unix gives an IOException the errno it has no type for.
    private const int EFBig = 27;

    private static readonly ConcurrentDictionary<string, byte> Pending = new(StringComparer.Ordinal);

    private AtomicFileWriter(string target, string? temporary, bool targetExisted, FileStream file)
    {
        _target = target;
        _temporary = temporary;
        _targetExisted = targetExisted;
        _file = file;
        _stream = new GuardedStream(this);
        if (temporary is not null)
        {
            Pending.TryAdd(temporary, 0);
        }
    }

    /// <summary>Where the stream's bytes go until <see cref="Commit"/> (null when the target is written directly).</summary>
    public string? TemporaryPath => _temporary;

    /// <summary>The stream to write the content to; its write errors name the target.</summary>
    public Stream Stream => _stream;

    /// <summary>Starts writing <paramref name="path"/>; its folder must exist.</summary>
    /// <exception cref="IOException">The temporary file cannot be created (missing folder, not writable, …).</exception>
    public static AtomicFileWriter Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (File.Exists(full) && IsSpecial(full))
        {
            // Not resolved first: /dev/stdout leads to /proc/self/fd/1 and on to a pipe or a terminal.
            return new AtomicFileWriter(full, null, true, Open(full, FileMode.Open, full, targetExisted: true));
        }

        string target = ResolveTarget(full);
        bool existed = File.Exists(target);
        if (existed && IsSpecial(target))
        {
            return new AtomicFileWriter(target, null, true, Open(target, FileMode.Open, target, existed));
        }

        string directory = Path.GetDirectoryName(target) ?? throw new IOException($"Could not write '{target}': it is a root, not a file.");
        for (int attempt = 0; ; attempt++)
        {
            string temporary = Path.Combine(directory, $"{Path.GetFileName(target)}.tmp-{Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal)}");
            try
            {
                return new AtomicFileWriter(target, temporary, existed, Open(temporary, FileMode.CreateNew, target, existed));
            }
            catch (IOException) when (attempt < 8 && File.Exists(temporary))
            {
                // Name clash with another writer's temporary file: draw another name.
            }
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> all-or-nothing.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using AtomicFileWriter writer = Create(path);
        writer.Stream.Write(bytes);
        writer.Commit();
    }

    /// <summary>Deletes the temporary files of every writer not yet committed or disposed (for a process being stopped).</summary>
    /// <param name="under">Only those in this folder (tests: other writers of the process are still at work), or all.</param>
    public static void DeletePending(string? under = null)
    {
        foreach (string temporary in Pending.Keys)
        {
            if (under is null || temporary.StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(under)) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                TryDelete(temporary);
            }
        }
    }

    /// <summary>Flushes the content to disk and renames it over the target.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled: nothing is replaced.</exception>
    /// <exception cref="IOException">The content could not be written or renamed: nothing is replaced.</exception>
    public void Commit(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _file.Flush(flushToDisk: _temporary is not null);
            _file.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            if (_temporary is not null)
            {
                File.Move(_temporary, _target, overwrite: true);
                Pending.TryRemove(_temporary, out _);
            }
        }
        catch (Exception e) when (IsWriteFailure(e))
        {
            throw Describe(e, _target, _temporary, _targetExisted);
        }

        _committed = true;
    }

    /// <summary>Deletes the temporary file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        _committed = true;
        try
        {
            _file.Dispose();
        }
        catch (Exception e) when (IsWriteFailure(e))
        {
            // Flushing what is left failed (e.g. the disk is still full); the file is being discarded anyway.
        }
        finally
        {
            if (_temporary is not null)
            {
                TryDelete(_temporary);
                Pending.TryRemove(_temporary, out _);
            }
        }
    }

    private static void TryDelete(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing better to do: the target is intact either way.
        }
    }

    // .NET reports EFBIG (a write past the file system's or the process's size limit) as an ArgumentOutOfRangeException
    // "Specified file length was too large for the file system"; the writes here have no other argument to get wrong.
    private static bool IsWriteFailure(Exception e) => e is IOException or UnauthorizedAccessException or ArgumentException;

    /// <summary>An exception of the same kind as <paramref name="e"/> whose message names the target and what became of it.</summary>
    internal static Exception Describe(Exception e, string target, string? temporary, bool targetExisted)
    {
        string reason = e is ArgumentException
            ? "File too large (the file system's or the process's file size limit, ulimit -f, was reached)"
            : e.Message;
        if (temporary is not null)
        {
            // .NET's Unix messages end in " : 'path'"; the path is the temporary file, which the user never asked for.
            reason = reason.Replace($" : '{temporary}'", string.Empty, StringComparison.Ordinal)
                .Replace(temporary, target, StringComparison.Ordinal);
        }

        string outcome = temporary is null ? string.Empty : targetExisted ? " The previous file is unchanged." : " Nothing was written.";
        string message = $"Could not write '{target}': {reason.TrimEnd('.', ' ')}.{outcome}";
        return e switch
        {
            UnauthorizedAccessException => new UnauthorizedAccessException(message, e),
            ArgumentException => new IOException(message, e) { HResult = EFBig },
            DirectoryNotFoundException => new DirectoryNotFoundException(message, e),
            _ => new IOException(message, e) { HResult = e.HResult },
        };
    }

    private static FileStream Open(string path, FileMode mode, string target, bool targetExisted)
    {
        try
        {
            return new FileStream(path, mode, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && !(mode == FileMode.CreateNew && File.Exists(path)))
        {
            throw Describe(e, target, mode == FileMode.CreateNew ? path : null, targetExisted);
        }
    }

    // A symbolic link is followed so that the rename replaces the file it points to and the link stays.
    private static string ResolveTarget(string fullPath)
    {
        try
        {
            return File.ResolveLinkTarget(fullPath, returnFinalTarget: true)?.FullName ?? fullPath;
        }
        catch (IOException)
        {
            return fullPath;
        }
    }

    // Devices and /proc entries exist but are not regular files: renaming over them would replace the device.
    private static bool IsSpecial(string target) =>
        !OperatingSystem.IsWindows()
        && (target.StartsWith("/proc/", StringComparison.Ordinal)
            || (target.StartsWith("/dev/", StringComparison.Ordinal) && !target.StartsWith("/dev/shm/", StringComparison.Ordinal)));

    /// <summary>Forwards writes to the temporary file and rewrites their errors to name the target.</summary>
    private sealed class GuardedStream(AtomicFileWriter owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => owner._file.Position;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                owner._file.Write(buffer);
            }
            catch (Exception e) when (IsWriteFailure(e))
            {
                throw Describe(e, owner._target, owner._temporary, owner._targetExisted);
            }
        }

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush()
        {
            try
            {
                owner._file.Flush();
            }
            catch (Exception e) when (IsWriteFailure(e))
            {
                throw Describe(e, owner._target, owner._temporary, owner._targetExisted);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
