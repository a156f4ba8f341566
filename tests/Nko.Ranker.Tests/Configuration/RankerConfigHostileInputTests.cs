using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Nko.Ranker.Configuration;
using Nko.Ranker.Tests.Support;

namespace Nko.Ranker.Tests.Configuration;

/// <summary>Hostile documents are rejected quickly, with bounded memory, and with a <see cref="RankerConfigException"/>.</summary>
public sealed class RankerConfigHostileInputTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(5);

    private static RankerConfigException RejectQuickly(Func<RankerConfig> load, long maxAllocatedBytes)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        RankerConfigException e = Assert.Throws<RankerConfigException>(() => load());
        watch.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(watch.Elapsed < Quickly, $"took {watch.Elapsed}");
        Assert.True(allocated <= maxAllocatedBytes, $"allocated {allocated:N0} bytes (limit {maxAllocatedBytes:N0})");
        return e;
    }

    [Theory]
    [InlineData("[", 100_000)]
    [InlineData("{\"provenance\":", 100_000)]
    [InlineData("{\"a\":", 100_000)]
    [InlineData("[", 17)]
    public void Deep_nesting_is_rejected_at_the_depth_limit(string opener, int depth)
    {
        string json = new StringBuilder().Insert(0, opener, depth).ToString();
        RejectQuickly(() => RankerConfig.Parse(json), 8L << 20);
    }

    [Fact]
    public void Nesting_inside_a_known_property_is_rejected_with_its_path()
    {
        string json = ConfigJson.Replaced("\"notes\": \"For tests only.\"", "\"notes\": " + new string('[', 50_000) + new string(']', 50_000));
        RankerConfigException e = RejectQuickly(() => RankerConfig.Parse(json), 8L << 20);
        Assert.Equal("$.provenance.notes", e.JsonPath);
    }

    [Fact]
    public void A_100_MB_string_value_is_rejected_before_parsing()
    {
        // The document (100 MB of one string value) is built once; parsing it must not copy it.
        byte[] json = new byte[100 << 20];
        json.AsSpan().Fill((byte)'a');
        "{\"name\":\""u8.CopyTo(json);
        "\"}"u8.CopyTo(json.AsSpan(json.Length - 2));
        RankerConfigException e = RejectQuickly(() => RankerConfig.Parse(json), 1L << 20);
        Assert.Equal("$", e.JsonPath);
        Assert.Contains(RankerConfig.MaxConfigBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_100_MB_stream_is_read_only_up_to_the_limit()
    {
        var stream = new EndlessStream("{\"name\":\""u8.ToArray(), (byte)'x', 100L << 20);
        RejectQuickly(() => RankerConfig.Load(stream), 3 * RankerConfig.MaxConfigBytes);
        Assert.InRange(stream.Position, RankerConfig.MaxConfigBytes, RankerConfig.MaxConfigBytes + (1 << 20));
    }

    [Fact]
    public void A_huge_string_is_rejected_without_encoding_it()
    {
        string json = "{\"name\":\"" + new string('\u07CA', (int)RankerConfig.MaxConfigBytes) + "\"}";
        RejectQuickly(() => RankerConfig.Parse(json), 1L << 20);
    }

    [Fact]
    public void A_string_that_fits_the_limit_but_not_the_schema_is_rejected_with_its_path()
    {
        string json = ConfigJson.Mutated(r => r["name"] = new string('x', 10 << 20));
        RankerConfigException e = RejectQuickly(() => RankerConfig.Parse(json), 256L << 20);
        Assert.Equal("$.name", e.JsonPath);
    }

    [Fact]
    public void A_file_over_the_limit_is_rejected_from_its_length()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nko-ranker-big-{Guid.NewGuid():N}.json");
        try
        {
            using (var f = new FileStream(path, FileMode.CreateNew))
            {
                f.SetLength(RankerConfig.MaxConfigBytes + 1);
            }

            RankerConfigException e = RejectQuickly(() => RankerConfig.Load(path), 1L << 20);
            Assert.Equal("$", e.JsonPath);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("1e20")]
    [InlineData("2147483648")]
    [InlineData("-2147483649")]
    [InlineData("99999999999999999999999999999999999999")]
    public void Huge_counts_are_rejected_with_their_path(string count)
    {
        string json = ConfigJson.Replaced("\"count\": 178", $"\"count\": {count}");
        RankerConfigException e = RejectQuickly(() => RankerConfig.Parse(json), 8L << 20);
        Assert.Equal("$.confusions.substitutions[0].count", e.JsonPath);
    }

    [Fact]
    public void Counts_that_sum_past_int_max_are_fine()
    {
        string json = ConfigJson.Mutated(r =>
        {
            foreach (var list in new[] { "substitutions", "deletions", "insertions", "hypothesis_label_counts" })
            {
                foreach (var entry in r["confusions"]![list]!.AsArray())
                {
                    entry!["count"] = int.MaxValue;
                }
            }
        });
        RankerConfig config = RankerConfig.Parse(json);
        Assert.True(config.Confusions.TotalSubstitutionCount > int.MaxValue);
        var result = new CorrectionPipeline(config).Correct(TestData.Dev50.GetLogProbs(0), TestData.Dev50.Rows[0].Hypothesis, "aggressive");
        Assert.All(result.Edits, e => Assert.True(double.IsFinite(e.Probability)));
    }

    [Theory]
    [InlineData("max_candidates", 2_000_000_000, "$.generator.max_candidates")]
    [InlineData("top_k_per_label", 2_000_000_000, "$.generator.top_k_per_label")]
    [InlineData("max_rounds", 2_000_000_000, "$.generator.max_rounds")]
    [InlineData("shortlist", 2_000_000_000, "$.generator.shortlist")]
    public void Huge_generator_bounds_are_rejected_before_anything_is_allocated(string field, int value, string path)
    {
        string json = ConfigJson.Mutated(r => r["generator"]![field] = value);
        Assert.Equal(path, RejectQuickly(() => RankerConfig.Parse(json), 8L << 20).JsonPath);
    }

    [Fact]
    public void A_vocabulary_of_more_than_65535_labels_is_rejected()
    {
        string labels = string.Join(",", Enumerable.Repeat("\"a\"", 70_000));
        string json = ConfigJson.Replaced("\"blank_index\": 0,", $"\"blank_index\": 0, \"labels\": [{labels}], \"x\": 0,");
        RankerConfigException e = RejectQuickly(() => RankerConfig.Parse(json), 64L << 20);
        Assert.StartsWith("$.vocabulary", e.JsonPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Hundreds_of_thousands_of_modes_are_rejected_with_a_short_message()
    {
        // 200k modes fit in the size limit; the loader must reject them without listing them all in its message.
        string modes = string.Join(",", Enumerable.Range(0, 200_000).Select(i => $"{{\"name\":\"m{i}\",\"threshold\":0.5}}"));
        string json = ConfigJson.Replaced("\"modes\": [", $"\"modes\": [{modes},");
        RankerConfigException e = RejectQuickly(() => RankerConfig.Parse(json), 512L << 20);
        Assert.Equal("$.modes", e.JsonPath);
        Assert.True(e.Message.Length < 200, e.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_most_modes_allowed_load()
    {
        var modes = Enumerable.Range(0, RankerConfig.MaxModes).Select(i => new OperatingMode($"m{i}", i / 100.0)).ToImmutableArray();
        Assert.Equal(RankerConfig.MaxModes, HandConfig.Config.WithModes(modes, "m0").Modes.Length);
        modes = modes.Add(new OperatingMode("one more", 0.5));
        Assert.Equal("$.modes", Assert.Throws<RankerConfigException>(() => HandConfig.Config.WithModes(modes, "m0")).JsonPath);
    }

    /// <summary>A non-seekable stream of a prefix followed by one byte repeated, counting what was read.</summary>
    private sealed class EndlessStream(byte[] prefix, byte fill, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - _position);
            for (int i = 0; i < n; i++)
            {
                long p = _position + i;
                buffer[offset + i] = p < prefix.Length ? prefix[p] : fill;
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
