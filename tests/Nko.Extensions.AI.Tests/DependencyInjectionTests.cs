using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nko.Asr;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Speech;

namespace Nko.Extensions.AI.Tests;

public sealed class DependencyInjectionTests
{
    /// <summary>What a host does when it starts: runs every ValidateOnStart validation.</summary>
    private static void ValidateAtStart(IServiceProvider provider) =>
        provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None).GetAwaiter().GetResult();

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static IConfiguration SpeechConfiguration(string? mode = null) => Configuration(
        ("Nko:Config", TestAssets.ConfigPath),
        ("Nko:Model", TestAssets.ModelPath),
        ("Nko:Mode", mode),
        ("Nko:ModelThreads", "1"));

    [Fact]
    public async Task AddNkoSpeech_resolves_a_client_that_transcribes_as_the_pipeline_does()
    {
        var services = new ServiceCollection();
        services.AddNkoSpeech(SpeechConfiguration());
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        ValidateAtStart(provider);

        ISpeechToTextClient client = provider.GetRequiredService<ISpeechToTextClient>();
        Assert.Same(client, provider.GetRequiredService<ISpeechToTextClient>());
        Assert.Same(provider.GetRequiredService<SpeechCorrectionPipeline>(), client.GetService<SpeechCorrectionPipeline>());
        Assert.Same(provider.GetRequiredService<RankerConfig>(), client.GetService<RankerConfig>());
        Assert.Equal("nko_tts_ctc", client.GetService<SpeechToTextClientMetadata>()!.DefaultModelId);

        await using FileStream audio = File.OpenRead(TestAssets.Wav("dev_032.wav"));
        SpeechToTextResponse response = await client.GetTextAsync(audio);
        Assert.Equal(TestAssets.Pipeline.Transcribe(TestAssets.Wav("dev_032.wav")).Text, response.Text);
    }

    [Fact]
    public void AddNkoCorrection_registers_the_config_and_pipeline_with_the_mode_as_default()
    {
        RankerConfig plain = RankerConfig.Load(TestAssets.SimulatedConfigPath);
        string mode = plain.Modes.Select(m => m.Name).First(m => m != plain.DefaultMode);
        var services = new ServiceCollection();
        services.AddNkoCorrection(Configuration(("Nko:Config", TestAssets.SimulatedConfigPath), ("Nko:Mode", mode)));
        using ServiceProvider provider = services.BuildServiceProvider();
        ValidateAtStart(provider);

        ICorrectionPipeline pipeline = provider.GetRequiredService<ICorrectionPipeline>();
        Assert.Equal(mode, pipeline.Config.DefaultMode);
        Assert.Equal(plain.Name, pipeline.Config.Name);
        Assert.Same(pipeline.Config, provider.GetRequiredService<RankerConfig>());
        Assert.Null(provider.GetService<ISpeechToTextClient>());
        Assert.Null(provider.GetService<IAcousticModel>());
    }

    [Fact]
    public async Task Keyed_registrations_live_side_by_side()
    {
        IConfiguration configuration = Configuration(
            ("Nko:A:Config", TestAssets.ConfigPath),
            ("Nko:A:Model", TestAssets.ModelPath),
            ("Nko:B:Config", TestAssets.SimulatedConfigPath),
            ("Nko:B:Mode", "aggressive"));
        var services = new ServiceCollection();
        services.AddKeyedNkoSpeech("A", configuration.GetSection("Nko:A"));
        services.AddKeyedNkoCorrection("B", configuration.GetSection("Nko:B"));
        services.AddNkoCorrection(o => o.Config = TestAssets.SimulatedConfigPath);
        await using ServiceProvider provider = services.BuildServiceProvider();
        ValidateAtStart(provider);

        RankerConfig a = provider.GetRequiredKeyedService<RankerConfig>("A");
        RankerConfig b = provider.GetRequiredKeyedService<RankerConfig>("B");
        RankerConfig plain = provider.GetRequiredService<RankerConfig>();
        Assert.NotSame(a, b);
        Assert.NotSame(b, plain);
        Assert.NotEqual(a.Name, b.Name);
        Assert.Equal("aggressive", b.DefaultMode);
        Assert.NotEqual("aggressive", plain.DefaultMode);
        Assert.Same(b, provider.GetRequiredKeyedService<ICorrectionPipeline>("B").Config);
        Assert.Equal(TestAssets.ModelPath, provider.GetRequiredService<IOptionsMonitor<NkoOptions>>().Get("A").Model);

        ISpeechToTextClient client = provider.GetRequiredKeyedService<ISpeechToTextClient>("A");
        Assert.Null(provider.GetService<ISpeechToTextClient>());
        Assert.Null(provider.GetKeyedService<ISpeechToTextClient>("B"));
        SpeechToTextResponse response = await client.GetTextAsync(File.OpenRead(TestAssets.Wav("dev_000.wav")));
        Assert.Equal(TestAssets.Pipeline.Transcribe(TestAssets.Wav("dev_000.wav")).Text, response.Text);
    }

    [Theory]
    [InlineData(null, "missing-model.onnx", "Nko:Model")]
    [InlineData("missing-config.json", null, "Nko:Config")]
    [InlineData("CONFIG", null, "Nko:Model")]
    [InlineData("CONFIG", "missing-model.onnx", "Nko:Model")]
    public void Invalid_options_fail_at_start_naming_the_option(string? config, string? model, string named)
    {
        var services = new ServiceCollection();
        services.AddNkoSpeech(Configuration(("Nko:Config", config == "CONFIG" ? TestAssets.ConfigPath : config), ("Nko:Model", model)));
        using ServiceProvider provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => ValidateAtStart(provider));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_omitted_config_is_the_shipped_default()
    {
        var sink = new CollectingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Information));
        services.AddNkoCorrection(Configuration(("Nko:Mode", "aggressive")));
        using ServiceProvider provider = services.BuildServiceProvider();
        ValidateAtStart(provider);

        RankerConfig config = provider.GetRequiredService<ICorrectionPipeline>().Config;
        Assert.Equal(RankerConfig.Default.ToUtf8Json(), config.WithModes(config.Modes, RankerConfig.Default.DefaultMode).ToUtf8Json());
        Assert.Equal("aggressive", config.DefaultMode);
        Assert.Contains(sink.Messages, m => m.EventId == 1 && m.Text.Contains("RankerConfig.Default", StringComparison.Ordinal) && m.Text.Contains("simulated", StringComparison.Ordinal));
    }

    [Fact]
    public void Out_of_range_model_threads_fail_at_start()
    {
        var services = new ServiceCollection();
        services.AddNkoSpeech(o => { o.Config = TestAssets.ConfigPath; o.Model = TestAssets.ModelPath; o.ModelThreads = 0; });
        using ServiceProvider provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => ValidateAtStart(provider));
        Assert.Contains("ModelThreads", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_mode_fails_when_the_config_is_resolved_naming_the_option_and_the_modes()
    {
        var services = new ServiceCollection();
        services.AddKeyedNkoCorrection("x", Configuration(("Config", TestAssets.SimulatedConfigPath), ("Mode", "loud")));
        using ServiceProvider provider = services.BuildServiceProvider();
        ValidateAtStart(provider);

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<ICorrectionPipeline>("x"));
        Assert.Contains(":Mode", e.Message, StringComparison.Ordinal);
        Assert.Contains("loud", e.Message, StringComparison.Ordinal);
        Assert.Contains("conservative", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_are_logged_through_the_containers_logger_factory()
    {
        var sink = new CollectingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Information));
        services.AddNkoSpeech(SpeechConfiguration());
        using ServiceProvider provider = services.BuildServiceProvider();

        _ = provider.GetRequiredService<ISpeechToTextClient>();

        Assert.Contains(sink.Messages, m => m.Category == "Nko.Extensions.AI" && m.EventId == 1 && m.Text.Contains("ranker.json", StringComparison.Ordinal));
        Assert.Contains(sink.Messages, m => m.Category == "Nko.Extensions.AI" && m.EventId == 2 && m.Text.Contains("nko_tts_ctc.onnx", StringComparison.Ordinal));
    }

    [Fact]
    public void A_config_that_fails_to_load_is_logged_as_an_error()
    {
        string bad = Path.Combine(Path.GetTempPath(), $"nko-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, "{ \"not\": \"a config\" }");
        try
        {
            var sink = new CollectingLoggerProvider();
            var services = new ServiceCollection();
            services.AddLogging(b => b.AddProvider(sink));
            services.AddNkoCorrection(o => o.Config = bad);
            using ServiceProvider provider = services.BuildServiceProvider();

            Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<ICorrectionPipeline>());
            Assert.Contains(sink.Messages, m => m.EventId == 3 && m.Level == LogLevel.Error && m.Exception is not null);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    private sealed record LogEntry(string Category, LogLevel Level, int EventId, string Text, Exception? Exception);

    private sealed class CollectingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Messages.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), exception));
        }
    }
}
