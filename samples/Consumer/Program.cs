// A consumer of the Nko packages: corrects the bundled sample utterances through ICorrectionPipeline and prints the
// evaluation table plus a digest of every output, so a JIT run and a NativeAOT run can be compared byte for byte.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nko.Data;
using Nko.Ranker;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Consumer <ranker-config.json> <dataset-folder> [mode]");
    return 2;
}

ICorrectionPipeline pipeline = new CorrectionPipeline(RankerConfig.Load(args[0]));
CtcDataset data = CtcDataset.Load(args[1]);
string mode = args.Length > 2 ? args[2] : pipeline.Config.DefaultMode;
var tally = new CerTally();
var digest = new StringBuilder();
for (int i = 0; i < data.Count; i++)
{
    CtcDatasetRow row = data.Rows[i];
    CorrectionResult result = pipeline.Correct(new CorrectionRequest(data.GetLogProbs(i)) { Hypothesis = row.Hypothesis, AsrScore = row.AsrScore, Mode = mode });
    tally.Add(row.Reference ?? string.Empty, row.Hypothesis, result.Text);
    digest.Append(result.Decision).Append('\t').Append(result.Text).Append('\n');
}

string sha = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(digest.ToString())));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"rows {tally.Rows} mode {mode}: baseline CER {tally.BaselineCer:F4} -> {tally.Cer:F4} ({tally.DeltaPp:+0.00;-0.00} pp), better/same/worse {tally.Better}/{tally.Same}/{tally.Worse}, outputs sha256 {sha}"));
return 0;
