using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nko.Asr;
using Nko.Asr.Onnx;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Speech;

namespace Nko.Extensions.AI;

/// <summary>
/// Registers the Nko correction lane and speech pipeline with <see cref="IServiceCollection"/>: options bound from
/// configuration and validated at start, singletons, and keyed registrations for several configs side by side.
/// </summary>
/// <remarks>
/// <para><b>Correction</b> (<c>AddNkoCorrection</c>, <c>AddKeyedNkoCorrection</c>): <see cref="RankerConfig"/> (loaded from
/// <see cref="NkoOptions.Config"/>, or <see cref="RankerConfig.Default"/> when it is omitted, with <see cref="NkoOptions.Mode"/> as its default mode) and
/// <see cref="ICorrectionPipeline"/>, both singletons.</para>
/// <para><b>Speech</b> (<c>AddNkoSpeech</c>, <c>AddKeyedNkoSpeech</c>): the above, plus <see cref="IAcousticModel"/> (an
/// <see cref="OnnxAcousticModel"/> of <see cref="NkoOptions.Model"/>, disposed with the container),
/// <see cref="SpeechCorrectionPipeline"/> and <see cref="ISpeechToTextClient"/> (an <see cref="NkoSpeechToTextClient"/>),
/// all singletons, created on first use. The app references the ONNX Runtime package with the native binaries
/// (<c>Microsoft.ML.OnnxRuntime</c>, or a GPU/DirectML variant).</para>
/// <para><b>Options</b> are named by the service key (<see cref="Options.DefaultName"/> without one): read them with
/// <c>IOptionsMonitor&lt;NkoOptions&gt;.Get(key)</c>. Each registration adds <c>ValidateOnStart</c>, so a host refuses to
/// start with a message naming the option (e.g. <c>Nko:Config</c>); without a host, resolve
/// <c>IAsyncStartupValidator</c> and call <c>ValidateAsync</c>.</para>
/// <para><b>Keyed</b> registrations use the key for every service above (resolve with
/// <c>GetRequiredKeyedService&lt;ISpeechToTextClient&gt;(key)</c> or <c>[FromKeyedServices(key)]</c>); a non-keyed and any
/// number of keyed registrations can live in one container (e.g. two ranker configs A/B).</para>
/// <para>Logging goes through the container's <see cref="ILoggerFactory"/> when there is one (category
/// <c>Nko.Extensions.AI</c>): config and model loads, load failures, transcription failures.</para>
/// </remarks>
public static class NkoServiceCollectionExtensions
{
    private const string LoggerCategory = "Nko.Extensions.AI";

    /// <summary>Where the log says the config came from when <see cref="NkoOptions.Config"/> is omitted.</summary>
    private const string DefaultConfigSource = "RankerConfig.Default (embedded in Nko.Ranker; trained on simulated emissions)";

    /// <summary>Where the log says the model or config came from when the app's factory made it.</summary>
    private const string ModelFactorySource = "the app's acoustic model factory";

    private const string ConfigFactorySource = "the app's ranker config factory";

    /// <summary>Registers <see cref="RankerConfig"/> and <see cref="ICorrectionPipeline"/> with options from the <c>"Nko"</c> section of <paramref name="configuration"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The app's configuration (the <c>"Nko"</c> section is bound).</param>
    /// <param name="configure">Applied after binding; <see langword="null"/> for none.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddNkoCorrection(this IServiceCollection services, IConfiguration configuration, Action<NkoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCorrectionCore(services, null, configuration.GetSection(NkoOptions.SectionName), configure, speech: false);
    }

    /// <summary>Registers <see cref="RankerConfig"/> and <see cref="ICorrectionPipeline"/> with options set in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddNkoCorrection(this IServiceCollection services, Action<NkoOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCorrectionCore(services, null, null, configure, speech: false);
    }

    /// <summary>
    /// Registers a keyed <see cref="RankerConfig"/> and <see cref="ICorrectionPipeline"/> with options bound from
    /// <paramref name="section"/> itself (e.g. <c>configuration.GetSection("Nko:B")</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key of the services, and the name of their options.</param>
    /// <param name="section">The section to bind (its keys are <c>Config</c>, <c>Mode</c>, <c>Model</c>, <c>ModelThreads</c>).</param>
    /// <param name="configure">Applied after binding; <see langword="null"/> for none.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddKeyedNkoCorrection(this IServiceCollection services, string serviceKey, IConfiguration section, Action<NkoOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceKey);
        ArgumentNullException.ThrowIfNull(section);
        return AddCorrectionCore(services, serviceKey, section, configure, speech: false);
    }

    /// <summary>Registers a keyed <see cref="RankerConfig"/> and <see cref="ICorrectionPipeline"/> with options set in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key of the services, and the name of their options.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddKeyedNkoCorrection(this IServiceCollection services, string serviceKey, Action<NkoOptions> configure)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceKey);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCorrectionCore(services, serviceKey, null, configure, speech: false);
    }

    /// <summary>
    /// Registers the correction services plus <see cref="IAcousticModel"/>, <see cref="SpeechCorrectionPipeline"/> and
    /// <see cref="ISpeechToTextClient"/>, with options from the <c>"Nko"</c> section of <paramref name="configuration"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The app's configuration (the <c>"Nko"</c> section is bound).</param>
    /// <param name="configure">Applied after binding; <see langword="null"/> for none.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddNkoSpeech(this IServiceCollection services, IConfiguration configuration, Action<NkoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddSpeechCore(services, null, configuration.GetSection(NkoOptions.SectionName), configure);
    }

    /// <summary>As <see cref="AddNkoSpeech(IServiceCollection, IConfiguration, Action{NkoOptions}?)"/>, with options set in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddNkoSpeech(this IServiceCollection services, Action<NkoOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddSpeechCore(services, null, null, configure);
    }

    /// <summary>The keyed form of <see cref="AddNkoSpeech(IServiceCollection, IConfiguration, Action{NkoOptions}?)"/>, binding <paramref name="section"/> itself.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key of the services, and the name of their options.</param>
    /// <param name="section">The section to bind (e.g. <c>configuration.GetSection("Nko:B")</c>).</param>
    /// <param name="configure">Applied after binding; <see langword="null"/> for none.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddKeyedNkoSpeech(this IServiceCollection services, string serviceKey, IConfiguration section, Action<NkoOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceKey);
        ArgumentNullException.ThrowIfNull(section);
        return AddSpeechCore(services, serviceKey, section, configure);
    }

    /// <summary>The keyed form of <see cref="AddNkoSpeech(IServiceCollection, Action{NkoOptions})"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key of the services, and the name of their options.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddKeyedNkoSpeech(this IServiceCollection services, string serviceKey, Action<NkoOptions> configure)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceKey);
        ArgumentNullException.ThrowIfNull(configure);
        return AddSpeechCore(services, serviceKey, null, configure);
    }

    /// <summary>
    /// As <see cref="AddNkoSpeech(IServiceCollection, IConfiguration, Action{NkoOptions}?)"/>, with the acoustic model (and
    /// optionally the ranker config) made by the app's factories instead of read from files, e.g. a model bundled in a
    /// package: <c>services.AddNkoSpeech(configuration, _ =&gt; NkoTtsBundle.CreateAcousticModel(), _ =&gt; NkoTtsBundle.Config)</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The app's configuration (the <c>"Nko"</c> section is bound).</param>
    /// <param name="modelFactory">Creates the acoustic model once, on first use; the container disposes it (when disposable). <see cref="NkoOptions.Model"/> must then be omitted.</param>
    /// <param name="configFactory">Creates the ranker config once, on first use (<see cref="NkoOptions.Mode"/> still applies), or <see langword="null"/> to load it from <see cref="NkoOptions.Config"/> as usual; when given, <see cref="NkoOptions.Config"/> must be omitted.</param>
    /// <param name="configure">Applied after binding; <see langword="null"/> for none.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>Options naming a file that a factory replaces fail validation at start, so a setting is never silently ignored.</remarks>
    public static IServiceCollection AddNkoSpeech(
        this IServiceCollection services,
        IConfiguration configuration,
        Func<IServiceProvider, IAcousticModel> modelFactory,
        Func<IServiceProvider, RankerConfig>? configFactory,
        Action<NkoOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(modelFactory);
        return AddSpeechCore(services, null, configuration.GetSection(NkoOptions.SectionName), configure, new Factories(modelFactory, configFactory));
    }

    /// <summary>The keyed form of <see cref="AddNkoSpeech(IServiceCollection, IConfiguration, Func{IServiceProvider, IAcousticModel}, Func{IServiceProvider, RankerConfig}?, Action{NkoOptions}?)"/>, binding <paramref name="section"/> itself.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key of the services, and the name of their options.</param>
    /// <param name="section">The section to bind (e.g. <c>configuration.GetSection("Nko:B")</c>).</param>
    /// <param name="modelFactory">Creates the acoustic model once, on first use; the container disposes it (when disposable).</param>
    /// <param name="configFactory">Creates the ranker config once, or <see langword="null"/> to load it from <see cref="NkoOptions.Config"/>.</param>
    /// <param name="configure">Applied after binding; <see langword="null"/> for none.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddKeyedNkoSpeech(
        this IServiceCollection services,
        string serviceKey,
        IConfiguration section,
        Func<IServiceProvider, IAcousticModel> modelFactory,
        Func<IServiceProvider, RankerConfig>? configFactory,
        Action<NkoOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceKey);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(modelFactory);
        return AddSpeechCore(services, serviceKey, section, configure, new Factories(modelFactory, configFactory));
    }

    private static IServiceCollection AddSpeechCore(IServiceCollection services, string? key, IConfiguration? section, Action<NkoOptions>? configure, Factories? factories = null)
    {
        AddCorrectionCore(services, key, section, configure, speech: true, factories);
        string name = key ?? Options.DefaultName;

        services.AddKeyedSingleton<IAcousticModel>(key, (sp, _) =>
        {
            NkoOptions options = sp.GetRequiredService<IOptionsMonitor<NkoOptions>>().Get(name);
            ILogger logger = LoggerFrom(sp);
            string path = factories is null ? options.Model! : ModelFactorySource;
            long started = Stopwatch.GetTimestamp();
            try
            {
                IAcousticModel model = factories is null
                    ? new OnnxAcousticModel(path, sessionOptions: new OnnxSessionOptions { IntraOpThreads = options.ModelThreads ?? 0 })
                    : factories.Model(sp) ?? throw new InvalidOperationException("The acoustic model factory passed to AddNkoSpeech returned null.");
                Log.ModelLoaded(logger, path, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return model;
            }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
            {
                var clear = new InvalidOperationException(
                    "ONNX Runtime's native library could not be loaded: add the Microsoft.ML.OnnxRuntime package to the app (or a GPU/DirectML/CoreML variant of it); Nko.Asr.Onnx references only the managed part.", e);
                Log.LoadFailed(logger, "acoustic model", path, clear);
                throw clear;
            }
            catch (Exception e)
            {
                Log.LoadFailed(logger, "acoustic model", path, e);
                throw;
            }
        });
        services.AddKeyedSingleton(key, (sp, _) =>
            new SpeechCorrectionPipeline(sp.GetRequiredKeyedService<IAcousticModel>(key), sp.GetRequiredKeyedService<ICorrectionPipeline>(key)));
        services.AddKeyedSingleton<ISpeechToTextClient>(key, (sp, _) =>
        {
            NkoOptions options = sp.GetRequiredService<IOptionsMonitor<NkoOptions>>().Get(name);
            return new NkoSpeechToTextClient(
                sp.GetRequiredKeyedService<SpeechCorrectionPipeline>(key),
                factories is null ? Path.GetFileNameWithoutExtension(options.Model) : null,
                LoggerFrom(sp));
        });
        return services;
    }

    private static IServiceCollection AddCorrectionCore(IServiceCollection services, string? key, IConfiguration? section, Action<NkoOptions>? configure, bool speech, Factories? factories = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        string name = key ?? Options.DefaultName;
        string sectionPath = (section as IConfigurationSection)?.Path ?? (key is null ? NkoOptions.SectionName : $"{NkoOptions.SectionName}[{key}]");

        OptionsBuilder<NkoOptions> builder = services.AddOptions<NkoOptions>(name);
        if (section is not null)
        {
            builder.Bind(section);
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NkoOptions>, NkoOptionsValidator>());
        services.AddSingleton<IValidateOptions<NkoOptions>>(new NkoFileValidator(name, sectionPath, speech, factories is not null, factories?.Config is not null));

        services.AddKeyedSingleton(key, (sp, _) =>
        {
            NkoOptions options = sp.GetRequiredService<IOptionsMonitor<NkoOptions>>().Get(name);
            return LoadConfig(options, name, sectionPath, LoggerFrom(sp), factories?.Config is { } make ? () => make(sp) : null);
        });
        services.AddKeyedSingleton<ICorrectionPipeline>(key, (sp, _) => new CorrectionPipeline(sp.GetRequiredKeyedService<RankerConfig>(key)));
        return services;
    }

    private static RankerConfig LoadConfig(NkoOptions options, string name, string sectionPath, ILogger logger, Func<RankerConfig>? factory)
    {
        long started = Stopwatch.GetTimestamp();
        RankerConfig config;
        string source = factory is not null ? ConfigFactorySource : string.IsNullOrEmpty(options.Config) ? DefaultConfigSource : options.Config;
        try
        {
            config = factory is not null
                ? factory() ?? throw new InvalidOperationException("The ranker config factory passed to AddNkoSpeech returned null.")
                : string.IsNullOrEmpty(options.Config) ? RankerConfig.Default : RankerConfig.Load(options.Config);
        }
        catch (Exception e)
        {
            Log.LoadFailed(logger, "ranker config", source, e);
            throw;
        }

        if (options.Mode is { Length: > 0 } mode && !string.Equals(mode, config.DefaultMode, StringComparison.Ordinal))
        {
            if (!config.Modes.Any(m => string.Equals(m.Name, mode, StringComparison.Ordinal)))
            {
                var e = new OptionsValidationException(name, typeof(NkoOptions),
                    [$"{sectionPath}:Mode: '{mode}' is not a mode of the ranker config '{source}'; it has: {string.Join(", ", config.Modes.Select(m => m.Name))}."]);
                Log.LoadFailed(logger, "ranker config", source, e);
                throw e;
            }

            config = config.WithModes(config.Modes, mode);
        }

        Log.ConfigLoaded(logger, config.Name, source, Stopwatch.GetElapsedTime(started).TotalMilliseconds, config.DefaultMode);
        return config;
    }

    // The app's factories of a speech registration (AddNkoSpeech with factories): the model, and the config or null.
    private sealed record Factories(Func<IServiceProvider, IAcousticModel> Model, Func<IServiceProvider, RankerConfig>? Config);

    private static ILogger LoggerFrom(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory) ?? NullLogger.Instance;
}
