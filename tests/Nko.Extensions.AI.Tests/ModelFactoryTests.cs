using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nko.Asr;
using Nko.Asr.Onnx;
using Nko.Models.NkoTts;
using Nko.Ranker.Configuration;

namespace Nko.Extensions.AI.Tests;

/// <summary>AddNkoSpeech with the app's model and config factories (here the Nko.Models.NkoTts bundle) instead of files.</summary>
public sealed class ModelFactoryTests
{
    private static void ValidateAtStart(IServiceProvider provider) =>
        provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None).GetAwaiter().GetResult();

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static OnnxAcousticModel BundledModel(IServiceProvider _) => NkoTtsBundle.CreateAcousticModel(new OnnxSessionOptions { IntraOpThreads = 1 });

    [Fact]
    public async Task The_bundle_through_factories_transcribes_as_the_repositorys_files_do()
    {
        var services = new ServiceCollection();
        services.AddNkoSpeech(Configuration(("Nko:Mode", "balanced")), BundledModel, _ => NkoTtsBundle.Config);
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        ValidateAtStart(provider);

        RankerConfig config = provider.GetRequiredService<RankerConfig>();
        Assert.Equal("balanced", config.DefaultMode);
        Assert.Equal(NkoTtsBundle.Config.Name, config.Name);
        ISpeechToTextClient client = provider.GetRequiredService<ISpeechToTextClient>();
        Assert.Equal(config.Name, client.GetService<SpeechToTextClientMetadata>()!.DefaultModelId);
        foreach (string wav in new[] { "dev_000.wav", "dev_032.wav" })
        {
            await using FileStream audio = File.OpenRead(TestAssets.Wav(wav));
            SpeechToTextResponse response = await client.GetTextAsync(audio);
            Assert.Equal(TestAssets.Pipeline.Transcribe(TestAssets.Wav(wav), new Speech.TranscriptionOptions { Mode = "balanced" }).Text, response.Text);
        }
    }

    [Fact]
    public async Task A_model_factory_alone_keeps_the_config_from_options()
    {
        var services = new ServiceCollection();
        services.AddNkoSpeech(Configuration(("Nko:Config", TestAssets.ConfigPath)), BundledModel, configFactory: null);
        await using ServiceProvider provider = services.BuildServiceProvider();
        ValidateAtStart(provider);
        Assert.Equal(RankerConfig.Load(TestAssets.ConfigPath).ToUtf8Json(), provider.GetRequiredService<RankerConfig>().ToUtf8Json());
        Assert.IsType<OnnxAcousticModel>(provider.GetRequiredService<IAcousticModel>());
    }

    [Theory]
    [InlineData("Nko:Model", "model.onnx", "Nko:Model: 'model.onnx' is set, but this registration's acoustic model comes from the app's factory")]
    [InlineData("Nko:ModelThreads", "2", "Nko:ModelThreads: is set, but this registration's acoustic model comes from the app's factory")]
    [InlineData("Nko:Config", "ranker.json", "Nko:Config: 'ranker.json' is set, but this registration's ranker config comes from the app's factory")]
    public async Task An_option_a_factory_replaces_fails_at_start_naming_it(string key, string value, string message)
    {
        var services = new ServiceCollection();
        services.AddNkoSpeech(Configuration((key, value)), BundledModel, _ => NkoTtsBundle.Config);
        await using ServiceProvider provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => ValidateAtStart(provider));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_factory_returning_null_is_a_clear_error()
    {
        var services = new ServiceCollection();
        services.AddKeyedNkoSpeech("x", Configuration(), _ => null!, _ => null!);
        await using ServiceProvider provider = services.BuildServiceProvider();
        ValidateAtStart(provider);
        Assert.Contains("config factory passed to AddNkoSpeech returned null", Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<RankerConfig>("x")).Message, StringComparison.Ordinal);
        Assert.Contains("model factory passed to AddNkoSpeech returned null", Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<IAcousticModel>("x")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_factories_are_rejected()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentNullException>(() => services.AddNkoSpeech(Configuration(), null!, null));
        Assert.Throws<ArgumentNullException>(() => services.AddKeyedNkoSpeech("k", Configuration(), null!, null));
    }
}
