/**
 * `npm run bench [-- --quick | --tiny] [--cases retune,quality] [--out dir] [--threads n] [--silent]`: runs the
 * cases, writes bench-results/<timestamp>.json and .md, and prints the Markdown table.
 */
import { BenchUsageError } from './lib/options.ts';
import { runBench } from './run-bench.ts';

try {
  const { markdown, jsonPath, mdPath } = await runBench(process.argv.slice(2));
  process.stdout.write(`${markdown}\nJSON: ${jsonPath}\nMarkdown: ${mdPath}\n`);
} catch (e) {
  if (!(e instanceof BenchUsageError)) throw e;
  (e.help ? process.stdout : process.stderr).write(`${e.message}\n`);
  process.exitCode = e.help ? 0 : 2;
}
