using Nko.IO;

namespace Nko.Cli.Tests;

/// <summary>The all-or-nothing writer behind every file the CLI, NpyFile.Write and RankerConfig.Save write.</summary>
public sealed class AtomicFileWriterTests : IDisposable
{
    private static readonly byte[] Previous = "previous\n"u8.ToArray();
    private readonly CliTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Commit_replaces_the_target_and_leaves_no_temporary_file()
    {
        string target = _dir.File("out.bin");
        File.WriteAllBytes(target, Previous);
        using (AtomicFileWriter file = AtomicFileWriter.Create(target))
        {
            Assert.Equal(_dir.Path, Path.GetDirectoryName(file.TemporaryPath));
            file.Stream.Write("new"u8);
            Assert.Equal(Previous, File.ReadAllBytes(target));
            file.Commit();
        }

        Assert.Equal("new"u8.ToArray(), File.ReadAllBytes(target));
        Assert.Equal([target], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void A_failure_while_writing_keeps_the_previous_file_and_deletes_the_temporary_one()
    {
        string target = _dir.File("out.bin");
        File.WriteAllBytes(target, Previous);

        // The caller's writing fails half-way (as a full disk would): the writer is disposed without a commit.
        Assert.Throws<IOException>(WriteHalfThenFail);

        Assert.Equal(Previous, File.ReadAllBytes(target));
        Assert.Equal([target], Directory.GetFiles(_dir.Path));

        void WriteHalfThenFail()
        {
            using AtomicFileWriter file = AtomicFileWriter.Create(target);
            file.Stream.Write(new byte[100_000]);
            throw new IOException("No space left on device");
        }
    }

    [Fact]
    public void A_failure_without_a_previous_file_leaves_no_file()
    {
        string target = _dir.File("out.bin");
        using (AtomicFileWriter file = AtomicFileWriter.Create(target))
        {
            file.Stream.Write("partial"u8);
        }

        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void A_cancelled_commit_replaces_nothing()
    {
        string target = _dir.File("out.bin");
        File.WriteAllBytes(target, Previous);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using (AtomicFileWriter file = AtomicFileWriter.Create(target))
        {
            file.Stream.Write("new"u8);
            Assert.Throws<OperationCanceledException>(() => file.Commit(cancelled.Token));
        }

        Assert.Equal(Previous, File.ReadAllBytes(target));
        Assert.Equal([target], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void DeletePending_removes_the_temporary_files_of_writers_in_progress()
    {
        string target = _dir.File("out.bin");
        using AtomicFileWriter file = AtomicFileWriter.Create(target);
        file.Stream.Write("partial"u8);
        Assert.True(File.Exists(file.TemporaryPath));

        // Only this test's folder: the whole process's pending files include other tests' writers running in parallel
        // (deleting those made a concurrent `train` test fail to rename its report).
        AtomicFileWriter.DeletePending(_dir.Path);

        Assert.False(File.Exists(file.TemporaryPath));
    }

    [Fact]
    public void A_symbolic_link_stays_and_the_file_it_points_to_is_replaced()
    {
        string real = _dir.File("real.bin"), link = _dir.File("link.bin");
        File.WriteAllBytes(real, Previous);
        File.CreateSymbolicLink(link, real);

        AtomicFileWriter.WriteAllBytes(link, "new"u8);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("new"u8.ToArray(), File.ReadAllBytes(real));
    }

    [Fact]
    public void Errors_name_the_target_not_the_temporary_file()
    {
        string target = Path.Combine(_dir.Path, "missing-folder", "out.bin");
        DirectoryNotFoundException e = Assert.Throws<DirectoryNotFoundException>(() => AtomicFileWriter.Create(target));
        Assert.StartsWith($"Could not write '{target}': ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp-", e.Message, StringComparison.Ordinal);

        Exception full = AtomicFileWriter.Describe(new IOException("No space left on device : '/d/x.tmp-ab12'"), "/d/x", "/d/x.tmp-ab12", targetExisted: true);
        Assert.IsType<IOException>(full);
        Assert.Equal("Could not write '/d/x': No space left on device. The previous file is unchanged.", full.Message);

        Exception tooLarge = AtomicFileWriter.Describe(new ArgumentOutOfRangeException("value", "Specified file length was too large for the file system."), "/d/x", "/d/x.tmp-ab12", targetExisted: false);
        Assert.IsType<IOException>(tooLarge);
        Assert.StartsWith("Could not write '/d/x': File too large", tooLarge.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was written.", tooLarge.Message, StringComparison.Ordinal);
    }
}
