using System.Runtime.InteropServices;

namespace Nko.Asr.CoreML.Interop;

/// <summary>
/// Source-generated (AOT-safe) imports of the Objective-C runtime. <c>objc_msgSend</c> is imported once per call
/// signature, never as a variadic function: on arm64 variadic arguments go on the stack, where a typed callee does not
/// look for them.
/// </summary>
internal static partial class ObjC
{
    private const string LibObjC = "/usr/lib/libobjc.A.dylib";

    [LibraryImport(LibObjC, EntryPoint = "objc_getClass", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GetClass(string name);

    [LibraryImport(LibObjC, EntryPoint = "sel_registerName", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GetSelector(string name);

    [LibraryImport(LibObjC, EntryPoint = "objc_autoreleasePoolPush")]
    internal static partial nint AutoreleasePoolPush();

    [LibraryImport(LibObjC, EntryPoint = "objc_autoreleasePoolPop")]
    internal static partial void AutoreleasePoolPop(nint pool);

    [LibraryImport(LibObjC, EntryPoint = "objc_retain")]
    internal static partial nint Retain(nint value);

    [LibraryImport(LibObjC, EntryPoint = "objc_release")]
    internal static partial void Release(nint value);

    /// <summary><c>id objc_msgSend(id, SEL)</c>.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    internal static partial nint Send(nint receiver, nint selector);

    /// <summary><c>id objc_msgSend(id, SEL, id)</c>.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    internal static partial nint Send(nint receiver, nint selector, nint a);

    /// <summary><c>id objc_msgSend(id, SEL, id, id)</c>.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    internal static partial nint Send(nint receiver, nint selector, nint a, nint b);

    /// <summary><c>id objc_msgSend(id, SEL, id, id, id)</c>.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    internal static partial nint Send(nint receiver, nint selector, nint a, nint b, nint c);

    /// <summary><c>id objc_msgSend(id, SEL, void*, id, NSInteger, id, id, NSError**)</c>: <c>initWithDataPointer:shape:dataType:strides:deallocator:error:</c>.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    internal static partial nint Send(nint receiver, nint selector, nint a, nint b, nint c, nint d, nint e, nint f);

    /// <summary><c>void objc_msgSend(id, SEL, NSInteger)</c>.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    internal static partial void SendVoid(nint receiver, nint selector, nint a);

    /// <summary><c>void objc_msgSend(id, SEL, BOOL)</c>.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    internal static partial void SendVoid(nint receiver, nint selector, [MarshalAs(UnmanagedType.U1)] bool a);

    /// <summary><c>BOOL objc_msgSend(id, SEL, SEL)</c>: <c>respondsToSelector:</c>, <c>instancesRespondToSelector:</c>.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool SendBool(nint receiver, nint selector, nint a);

    /// <summary><c>NSInteger objc_msgSend(id, SEL)</c>.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    internal static partial long SendInt64(nint receiver, nint selector);

    /// <summary><c>id objc_msgSend(id, SEL, NSUInteger)</c>: <c>objectAtIndex:</c>.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    internal static partial nint SendIndex(nint receiver, nint selector, nuint index);

    /// <summary><c>NSRange objc_msgSend(id, SEL)</c>: a 16-byte struct of integers comes back in two registers on arm64 and x64, so no <c>_stret</c> variant is needed.</summary>
    [LibraryImport(LibObjC, EntryPoint = "objc_msgSend")]
    internal static partial NSRange SendRange(nint receiver, nint selector);
}

/// <summary>Foundation's <c>NSRange</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct NSRange(nuint location, nuint length)
{
    public readonly nuint Location = location;
    public readonly nuint Length = length;

    public override string ToString() => $"{{{Location}, {Length}}}";
}
