// A host app (no ASP.NET Core): the Nko speech-to-text client from dependency injection, options from appsettings.json
// ("Nko": Config, Model, Mode), wrapped by Microsoft.Extensions.AI's builder with its logging middleware.
//   bash eng/pack-and-verify.sh   (packs, then restores, runs and NativeAOT-publishes this app), or after it:
//   dotnet run --project samples/SpeechHost -c Release -- samples/speech/dev_000.wav [more.wav …]
// Paths in appsettings.json are relative to the current directory (run it from the repository root).
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nko.Extensions.AI;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory, // appsettings.json beside the program
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);

// Registers the pipeline and a keyed "nko" ISpeechToTextClient with options from the "Nko" section, validated at start.
builder.Services.AddKeyedNkoSpeech("nko", builder.Configuration.GetSection(NkoOptions.SectionName));

// The app's ISpeechToTextClient: Nko's, composed with the ecosystem's middleware.
builder.Services.AddSpeechToTextClient(sp => sp.GetRequiredKeyedService<ISpeechToTextClient>("nko"))
    .UseLogging();

using IHost host = builder.Build();
await host.StartAsync(); // options are validated here: a bad "Nko" section stops the app with a message naming the option

ISpeechToTextClient client = host.Services.GetRequiredService<ISpeechToTextClient>();
string[] files = args.Length > 0 ? args : [Path.Combine("samples", "speech", "dev_000.wav")];
foreach (string file in files)
{
    await using FileStream audio = File.OpenRead(file);
    SpeechToTextResponse response = await client.GetTextAsync(audio);
    Console.WriteLine($"{Path.GetFileName(file)}\t{response.AdditionalProperties?[NkoSpeechProperties.Decision]}\t{response.Text}");
}

await host.StopAsync();
