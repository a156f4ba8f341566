using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Nko.Asr.CoreML.Interop;

namespace Nko.Asr.CoreML.Tests;

/// <summary>The pure rules behind the Objective-C layer (issue 19): each runs here exactly as it runs on Apple hardware.</summary>
public sealed class InteropRuleTests
{
    // ---- 1. NSRange of sizeRangeForDimension: fixed {N, 1} vs flexible ----

    [Theory]
    [InlineData(80UL, 1UL, 80L, false)]      // fixed at N: {N, 1} (the case read as flexible before)
    [InlineData(1UL, 1UL, 1L, false)]        // a fixed batch of 1
    [InlineData(1UL, 3000UL, 1L, true)]      // RangeDim(1, 3000)
    [InlineData(1UL, 2UL, 1L, true)]         // two sizes
    [InlineData(12UL, 0UL, 12L, false)]      // an empty length at the default size: one size only
    [InlineData(12UL, 1UL, 13L, true)]       // a single size that is not the default's
    [InlineData(1UL, (ulong)long.MaxValue, 1L, true)] // unbounded upper bound, however encoded with a huge length
    [InlineData(ulong.MaxValue, 1UL, 5L, true)]       // a location beyond long: never equal to the default
    public void A_dimension_is_flexible_only_when_its_range_holds_another_size(ulong location, ulong length, long defaultSize, bool flexible)
    {
        Assert.Equal(flexible, DimensionRange.IsFlexible(new NSRange((nuint)location, (nuint)length), defaultSize));
    }

    [Fact]
    public void Range_constraints_resolve_to_fixed_sizes_and_minus_one()
    {
        NSRange[] ranges = [new(1, 1), new(1, 3000), new(1280, 1)];
        Assert.Equal([1L, -1, 1280], DimensionRange.Resolve([1, 1, 1280], ShapeConstraintKind.Range, ranges, null));

        NSRange[] fixedRanges = [new(1, 1), new(1500, 1), new(1280, 1)];
        Assert.Equal([1L, 1500, 1280], DimensionRange.Resolve([1, 1500, 1280], ShapeConstraintKind.Range, fixedRanges, null));
    }

    [Fact]
    public void Enumerated_and_unspecified_constraints_resolve_too()
    {
        Assert.Equal([1L, -1, 80], DimensionRange.Resolve([1, 100, 80], ShapeConstraintKind.Enumerated, [], [[1, 100, 80], [1, 200, 80]]));
        Assert.Equal([1L, 100, 80], DimensionRange.Resolve([1, 100, 80], ShapeConstraintKind.Enumerated, [], [[1, 100, 80]]));
        Assert.Equal([1L, -1, 80], DimensionRange.Resolve([1, 0, 80], ShapeConstraintKind.Unspecified, [], null));
    }

    [Fact]
    public void Constraints_of_the_wrong_rank_are_format_errors()
    {
        Assert.Throws<FormatException>(() => DimensionRange.Resolve([1, 1, 80], ShapeConstraintKind.Range, [new(1, 1)], null));
        Assert.Throws<FormatException>(() => DimensionRange.Resolve([1, 1, 80], ShapeConstraintKind.Enumerated, [], [[1, 80]]));
    }

    // ---- 2. Largest offset within the lent bytes ----

    [Fact]
    public void Contiguous_padded_and_transposed_layouts_need_exactly_their_reach()
    {
        Assert.Equal((Int128)(375 * 66 * 4), MultiArrayBounds.RequiredBytes([1, 375, 66], [375 * 66, 66, 1], 4));
        Assert.Equal((Int128)((((374 * 72) + 65) + 1) * 2), MultiArrayBounds.RequiredBytes([1, 375, 66], [375 * 72, 72, 1], 2)); // padded rows
        Assert.Equal((Int128)(((65 * 375) + 374 + 1) * 4), MultiArrayBounds.RequiredBytes([375, 66], [1, 375], 4)); // class-major
        MultiArrayBounds.Check([1, 375, 66], [375 * 66, 66, 1], 4, 375 * 66 * 4);
        var e = Assert.Throws<FormatException>(() => MultiArrayBounds.Check([1, 375, 66], [375 * 66, 66, 1], 4, (375 * 66 * 4) - 1));
        Assert.Contains("reaches byte 99000 but the buffer holds 98999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_shapes_and_strides_are_format_errors_not_overflows()
    {
        Assert.Throws<FormatException>(() => MultiArrayBounds.Check([long.MaxValue, long.MaxValue], [long.MaxValue, long.MaxValue], 8, long.MaxValue));
        Assert.Throws<FormatException>(() => MultiArrayBounds.Check([2, 3], [-3, 1], 4, 1000));
        Assert.Throws<FormatException>(() => MultiArrayBounds.Check([2, 0], [1, 1], 4, 1000));
        Assert.Throws<FormatException>(() => MultiArrayBounds.Check([2, 3], [3], 4, 1000));
        Assert.Throws<FormatException>(() => MultiArrayBounds.Check([2, 3], [3, 1], 4, -1));
    }

    [Property(MaxTest = 300)]
    public bool The_largest_offset_is_the_largest_element_offset(PositiveInt d0, PositiveInt d1, PositiveInt d2, NonNegativeInt s0, NonNegativeInt s1, NonNegativeInt s2)
    {
        long[] shape = [1 + (d0.Get % 4), 1 + (d1.Get % 5), 1 + (d2.Get % 6)];
        long[] strides = [s0.Get % 50, s1.Get % 50, s2.Get % 50];
        long max = 0;
        for (long i = 0; i < shape[0]; i++)
        {
            for (long j = 0; j < shape[1]; j++)
            {
                for (long k = 0; k < shape[2]; k++)
                {
                    max = Math.Max(max, (i * strides[0]) + (j * strides[1]) + (k * strides[2]));
                }
            }
        }

        return MultiArrayBounds.LargestOffset(shape, strides) == max;
    }

    [Fact]
    public void Contiguous_strides_that_do_not_fit_64_bits_are_argument_errors()
    {
        Assert.Throws<ArgumentException>(() => MultiArrayLayout.ContiguousStrides([int.MaxValue, int.MaxValue, int.MaxValue, 4]));
    }

    // ---- 3. OS-version gates ----

    [Theory]
    [InlineData((int)ApplePlatform.MacOS, "12.6", false)]
    [InlineData((int)ApplePlatform.MacOS, "13.0", true)]
    [InlineData((int)ApplePlatform.MacOS, "13", true)]
    [InlineData((int)ApplePlatform.MacOS, "14.2.1", true)]
    [InlineData((int)ApplePlatform.IOS, "15.7", false)]
    [InlineData((int)ApplePlatform.IOS, "16.0", true)]
    [InlineData((int)ApplePlatform.MacCatalyst, "15.4", false)]
    [InlineData((int)ApplePlatform.MacCatalyst, "16.1", true)]
    public void The_Neural_Engine_only_value_needs_macOS_13_or_iOS_16(int platform, string version, bool met)
    {
        OSRequirement requirement = OSRequirement.ForComputeUnits(CoreMLComputeUnits.CpuAndNeuralEngine)!;
        Assert.Equal(met, requirement.IsMetBy((ApplePlatform)platform, Version.Parse(version.Contains('.', StringComparison.Ordinal) ? version : version + ".0")));
    }

    [Theory]
    [InlineData((int)ApplePlatform.MacOS, "12.2", false)]
    [InlineData((int)ApplePlatform.MacOS, "12.3", true)]
    [InlineData((int)ApplePlatform.IOS, "15.3.1", false)]
    [InlineData((int)ApplePlatform.IOS, "15.4", true)]
    public void Bounded_output_reads_need_macOS_12_3_or_iOS_15_4(int platform, string version, bool met)
    {
        Assert.Equal(met, OSRequirement.GetBytesWithHandler.IsMetBy((ApplePlatform)platform, Version.Parse(version)));
    }

    [Fact]
    public void Older_compute_units_need_no_gate_and_unknown_values_are_refused()
    {
        Assert.Null(OSRequirement.ForComputeUnits(CoreMLComputeUnits.CpuOnly));
        Assert.Null(OSRequirement.ForComputeUnits(CoreMLComputeUnits.CpuAndGpu));
        Assert.Null(OSRequirement.ForComputeUnits(CoreMLComputeUnits.All));
        Assert.Throws<ArgumentOutOfRangeException>(() => OSRequirement.ForComputeUnits((CoreMLComputeUnits)4));
        Assert.Equal("macOS 13.0, iOS 16.0 or Mac Catalyst 16.0", OSRequirement.CpuAndNeuralEngine.Versions);
    }

    // ---- 4. Input leases ended by the deallocator ----

    [Fact]
    public unsafe void A_lease_is_released_once_by_its_deallocator()
    {
        float[] data = new float[8];
        InputLease lease = InputLease.Register(data.AsMemory().Pin(), null);
        fixed (float* p = data)
        {
            Assert.Equal((nint)p, lease.Data);
        }

        Assert.False(lease.IsReleased);
        Assert.True(InputLease.Deallocated(lease.Data));
        Assert.True(lease.IsReleased);
        Assert.False(InputLease.Deallocated(lease.Data));
    }

    [Fact]
    public void Leases_of_one_pointer_are_released_first_in_first_out()
    {
        float[] data = new float[8];
        InputLease first = InputLease.Register(data.AsMemory().Pin(), null);
        InputLease second = InputLease.Register(data.AsMemory().Pin(), null);
        Assert.Equal(first.Data, second.Data);

        Assert.True(InputLease.Deallocated(first.Data));
        Assert.True(first.IsReleased);
        Assert.False(second.IsReleased); // the memory is still pinned by the second lease
        Assert.True(InputLease.Deallocated(first.Data));
        Assert.True(second.IsReleased);
    }

    [Fact]
    public unsafe void The_deallocator_invoke_function_releases_the_lease_as_CoreML_would_call_it()
    {
        float[] data = new float[4];
        InputLease lease = InputLease.Register(data.AsMemory().Pin(), null);
        ObjCBlock.Literal block;
        ObjCBlock.Initialize(&block, 0, ObjCBlock.DeallocatorInvoke, null, 0);

        ((delegate* unmanaged<ObjCBlock.Literal*, nint, void>)block.Invoke)(&block, lease.Data);
        ((delegate* unmanaged<ObjCBlock.Literal*, nint, void>)block.Invoke)(&block, 12345); // unknown pointers are ignored

        Assert.True(lease.IsReleased);
    }

    // ---- 2 again: the getBytesWithHandler: block, invoked as CoreML invokes it ----

    [Fact]
    public unsafe void The_bytes_handler_reads_shape_inside_the_block_and_checks_bounds()
    {
        float[] output = [1, 2, 3, 4, 5, 6];
        float[] destination = new float[6];
        var request = new OutputRequest();
        fixed (float* src = output)
        fixed (float* dst = destination)
        {
            request.Reset(dst, 6, 2, 3);
            int described = 0;
            var context = new ObjCBlock.BytesContext(77, request, (array, bytes, size) =>
            {
                Assert.Equal(77, array);
                described++;
                return new MultiArrayView(bytes, size, MultiArrayDataType.Float32, [1, 2, 3], [6, 3, 1]);
            });
            GCHandle handle = GCHandle.Alloc(context);
            try
            {
                ObjCBlock.Literal block;
                ObjCBlock.Initialize(&block, 0, ObjCBlock.BytesHandlerInvoke, ObjCBlock.BytesHandlerDescriptor, GCHandle.ToIntPtr(handle));
                var invoke = (delegate* unmanaged<ObjCBlock.Literal*, nint, nint, void>)block.Invoke;

                invoke(&block, (nint)src, 24);
                Assert.True(request.Copied);
                Assert.Equal(output, destination);
                Assert.Equal(1, described);

                request.Reset(dst, 6, 2, 3);
                invoke(&block, (nint)src, 20); // CoreML says the buffer is smaller than the strides reach
                Assert.True(request.Ran);
                Assert.False(request.Copied);
                Assert.Throws<FormatException>(request.ThrowIfFailed);
            }
            finally
            {
                handle.Free();
            }
        }
    }

    [Fact]
    public unsafe void An_exception_inside_the_handler_is_kept_not_thrown_into_native_frames()
    {
        var request = new OutputRequest();
        request.Reset(null, 0, -1, 3);
        var context = new ObjCBlock.BytesContext(1, request, (_, _, _) => throw new CoreMLException("shape was nil"));
        GCHandle handle = GCHandle.Alloc(context);
        try
        {
            ObjCBlock.Literal block;
            ObjCBlock.Initialize(&block, 0, ObjCBlock.BytesHandlerInvoke, ObjCBlock.BytesHandlerDescriptor, GCHandle.ToIntPtr(handle));
            ((delegate* unmanaged<ObjCBlock.Literal*, nint, nint, void>)block.Invoke)(&block, 1, 4); // would fail fast if it escaped

            Assert.True(request.Ran);
            Assert.Equal("shape was nil", Assert.Throws<CoreMLException>(request.ThrowIfFailed).Message);
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public unsafe void Block_literals_have_the_Block_ABI_layout()
    {
        Assert.Equal(8, sizeof(nint)); // the layout below is the 64-bit one (arm64 and x86-64 Apple platforms)
        Assert.Equal(0, (int)Marshal.OffsetOf<ObjCBlock.Literal>(nameof(ObjCBlock.Literal.Isa)));
        Assert.Equal(8, (int)Marshal.OffsetOf<ObjCBlock.Literal>(nameof(ObjCBlock.Literal.Flags)));
        Assert.Equal(12, (int)Marshal.OffsetOf<ObjCBlock.Literal>(nameof(ObjCBlock.Literal.Reserved)));
        Assert.Equal(16, (int)Marshal.OffsetOf<ObjCBlock.Literal>(nameof(ObjCBlock.Literal.Invoke)));
        Assert.Equal(24, (int)Marshal.OffsetOf<ObjCBlock.Literal>(nameof(ObjCBlock.Literal.Descriptor)));
        Assert.Equal(32, (int)Marshal.OffsetOf<ObjCBlock.Literal>(nameof(ObjCBlock.Literal.Context)));
        Assert.Equal(24, sizeof(ObjCBlock.Descriptor));

        ObjCBlock.Descriptor* descriptor = ObjCBlock.BytesHandlerDescriptor;
        Assert.Equal((nuint)sizeof(ObjCBlock.Literal), descriptor->Size);
        Assert.Equal(ObjCBlock.BytesHandlerSignature, Marshal.PtrToStringUTF8((nint)descriptor->Signature));

        ObjCBlock.Literal block;
        ObjCBlock.Initialize(&block, 0x1234, 0x5678, descriptor, 9);
        Assert.Equal((1 << 28) | (1 << 30), block.Flags); // BLOCK_IS_GLOBAL | BLOCK_HAS_SIGNATURE, no copy/dispose helpers
        Assert.Equal(0, block.Reserved);
        Assert.Equal("v16@?0^v8", ObjCBlock.DeallocatorSignature);
        Assert.Equal("v24@?0r^v8q16", ObjCBlock.BytesHandlerSignature);
    }

    // ---- 5. Compiled model moved across volumes ----

    [Fact]
    public void A_compiled_model_is_copied_when_it_cannot_be_renamed_and_the_temporary_copy_deleted()
    {
        string root = Directory.CreateTempSubdirectory("nko-store-").FullName;
        try
        {
            string compiled = Path.Combine(root, "tmp", "head.mlmodelc");
            Directory.CreateDirectory(Path.Combine(compiled, "weights"));
            File.WriteAllText(Path.Combine(compiled, "model.mil"), "mil");
            File.WriteAllText(Path.Combine(compiled, "weights", "weight.bin"), "w");
            string keep = Path.Combine(root, "keep");

            string target = CompiledModelStore.Keep(compiled, keep, "head", (_, _) => throw new IOException("Invalid cross-device link"));

            Assert.Equal(Path.Combine(keep, "head.mlmodelc"), target);
            Assert.Equal("mil", File.ReadAllText(Path.Combine(target, "model.mil")));
            Assert.Equal("w", File.ReadAllText(Path.Combine(target, "weights", "weight.bin")));
            Assert.False(Directory.Exists(compiled));
            Assert.Equal([target], Directory.GetDirectories(keep)); // no staging folder left behind
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_failed_keep_still_deletes_the_temporary_copy()
    {
        string root = Directory.CreateTempSubdirectory("nko-store-").FullName;
        try
        {
            string compiled = Path.Combine(root, "tmp", "head.mlmodelc");
            Directory.CreateDirectory(compiled);
            string blocked = Path.Combine(root, "file");
            File.WriteAllText(blocked, "not a folder");

            Assert.ThrowsAny<IOException>(() => CompiledModelStore.Keep(compiled, blocked, "head"));
            Assert.False(Directory.Exists(compiled));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // ---- sizes in 64 bits ----

    [Fact]
    public void Output_sizes_beyond_one_array_are_argument_errors_not_overflows()
    {
        Assert.Equal(375 * 66, CoreMLAcousticModel.OutputLength(375, 66));
        var e = Assert.Throws<ArgumentException>(() => CoreMLAcousticModel.OutputLength(int.MaxValue, 66));
        Assert.Equal("features", e.ParamName);
        Assert.Contains("more than the largest array", e.Message, StringComparison.Ordinal);
    }
}
