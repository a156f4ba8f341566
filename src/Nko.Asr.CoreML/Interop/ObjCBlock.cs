using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Nko.Asr.CoreML.Interop;

/// <summary>
/// Objective-C blocks built by hand (the Block ABI of clang's "Block-ABI-Apple" specification), with
/// <see cref="UnmanagedCallersOnlyAttribute"/> invoke functions: no Xamarin runtime, trimming- and AOT-safe.
/// </summary>
/// <remarks>
/// <para>A block literal is <c>{ isa, int flags, int reserved, invoke, descriptor }</c>; the descriptor is
/// <c>{ reserved, size, signature }</c> when <see cref="HasSignature"/> is set and no copy/dispose helpers exist. Every block
/// here is flagged <see cref="IsGlobal"/> with <c>isa = &amp;_NSConcreteGlobalBlock</c>: <c>Block_copy</c> returns it
/// unchanged and <c>Block_release</c> ignores it, so the runtime never copies or frees our memory.</para>
/// <para>The deallocator block is process-wide in native memory that is never freed (CoreML may keep it past any call).
/// The <c>getBytesWithHandler:</c> block is built on the caller's stack with a trailing context field: the handler runs
/// synchronously, before <c>getBytesWithHandler:</c> returns (Apple: the pointer is valid only inside the block).</para>
/// <para>An exception must never leave an invoke function (it cannot unwind through Objective-C frames): each catches
/// everything.</para>
/// </remarks>
internal static unsafe class ObjCBlock
{
    /// <summary><c>BLOCK_IS_GLOBAL</c>.</summary>
    public const int IsGlobal = 1 << 28;

    /// <summary><c>BLOCK_HAS_SIGNATURE</c>.</summary>
    public const int HasSignature = 1 << 30;

    /// <summary>Type encoding of <c>void (^)(void *bytes)</c>: the <c>MLMultiArray</c> deallocator.</summary>
    public const string DeallocatorSignature = "v16@?0^v8";

    /// <summary>Type encoding of <c>void (^)(const void *bytes, NSInteger size)</c>: the <c>getBytesWithHandler:</c> handler.</summary>
    public const string BytesHandlerSignature = "v24@?0r^v8q16";

    /// <summary>A block literal followed by one pointer-sized context field (ignored by the runtime).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Literal
    {
        public nint Isa;
        public int Flags;
        public int Reserved;
        public nint Invoke;
        public Descriptor* Descriptor;
        public nint Context;
    }

    /// <summary>A block descriptor with a signature and no copy/dispose helpers.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Descriptor
    {
        public nuint Reserved;
        public nuint Size;
        public byte* Signature;
    }

    /// <summary>Fills a global block literal (pure: tests check the layout on every OS).</summary>
    public static void Initialize(Literal* literal, nint isa, nint invoke, Descriptor* descriptor, nint context)
    {
        literal->Isa = isa;
        literal->Flags = IsGlobal | HasSignature;
        literal->Reserved = 0;
        literal->Invoke = invoke;
        literal->Descriptor = descriptor;
        literal->Context = context;
    }

    /// <summary>A descriptor in native memory that is never freed (a descriptor must outlive every block that uses it).</summary>
    public static Descriptor* AllocateDescriptor(string signature)
    {
        byte* text = (byte*)NativeMemory.AllocZeroed((nuint)signature.Length + 1);
        for (int i = 0; i < signature.Length; i++)
        {
            text[i] = (byte)signature[i];
        }

        var descriptor = (Descriptor*)NativeMemory.AllocZeroed((nuint)sizeof(Descriptor));
        descriptor->Reserved = 0;
        descriptor->Size = (nuint)sizeof(Literal);
        descriptor->Signature = text;
        return descriptor;
    }

    /// <summary>The process-wide deallocator block: hands the data pointer to <see cref="InputLease.Deallocated"/>.</summary>
    [SupportedOSPlatform("macos")]
    [SupportedOSPlatform("ios")]
    [SupportedOSPlatform("maccatalyst")]
    public static nint Deallocator => DeallocatorBlock.Value;

    /// <summary>The address of <c>_NSConcreteGlobalBlock</c> (the class of global blocks) in libSystem.</summary>
    [SupportedOSPlatform("macos")]
    [SupportedOSPlatform("ios")]
    [SupportedOSPlatform("maccatalyst")]
    public static nint GlobalBlockClass => GlobalBlockIsa.Value;

    /// <summary>The descriptor shared by every <c>getBytesWithHandler:</c> block.</summary>
    public static Descriptor* BytesHandlerDescriptor => (Descriptor*)BytesDescriptor.Value;

    /// <summary>The invoke function of the deallocator block (exposed so tests can call it as CoreML would).</summary>
    public static nint DeallocatorInvoke => (nint)(delegate* unmanaged<Literal*, nint, void>)&OnDeallocate;

    /// <summary>The invoke function of the <c>getBytesWithHandler:</c> block.</summary>
    public static nint BytesHandlerInvoke => (nint)(delegate* unmanaged<Literal*, nint, nint, void>)&OnBytes;

    /// <summary>The context of a <c>getBytesWithHandler:</c> call: the array to describe and the request to fill.</summary>
    public sealed class BytesContext(nint array, OutputRequest request, Func<nint, nint, long, MultiArrayView> describe)
    {
        public nint Array { get; } = array;

        public OutputRequest Request { get; } = request;

        /// <summary>(array, bytes, size) → the view: reads data type, shape and strides of the array inside the handler.</summary>
        public Func<nint, nint, long, MultiArrayView> Describe { get; } = describe;
    }

    private static readonly Lazy<nint> GlobalBlockIsa = new(() =>
    {
        nint libSystem = NativeLibrary.Load("/usr/lib/libSystem.B.dylib");
        return NativeLibrary.GetExport(libSystem, "_NSConcreteGlobalBlock");
    });

    private static readonly Lazy<nint> BytesDescriptor = new(() => (nint)AllocateDescriptor(BytesHandlerSignature));

    private static readonly Lazy<nint> DeallocatorBlock = new(() =>
    {
        var literal = (Literal*)NativeMemory.AllocZeroed((nuint)sizeof(Literal));
        Initialize(literal, GlobalBlockIsa.Value, DeallocatorInvoke, AllocateDescriptor(DeallocatorSignature), 0);
        return (nint)literal;
    });

    [UnmanagedCallersOnly]
    private static void OnDeallocate(Literal* block, nint bytes)
    {
        try
        {
            InputLease.Deallocated(bytes);
        }
        catch
        {
            // Nothing may unwind into CoreML; a lease not released stays pinned, which is safe.
        }
    }

    [UnmanagedCallersOnly]
    private static void OnBytes(Literal* block, nint bytes, nint size)
    {
        BytesContext? context = null;
        try
        {
            context = GCHandle.FromIntPtr(block->Context).Target as BytesContext;
            if (context is null)
            {
                return;
            }

            MultiArrayView view = context.Describe(context.Array, bytes, size);
            context.Request.Accept(view);
        }
        catch (Exception e)
        {
            context?.Request.Fail(e);
        }
    }
}
