// Compares BenchmarkDotNet JSON exports of a baseline and a candidate build; see benchmarks/README.md.
return Nko.Benchmarks.Compare.CompareCommand.Run(args, Console.Out, Console.Error);
