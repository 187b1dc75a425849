/**
 * `npm run bench [-- --quick | --tiny] [--cases retune,quality] [--out dir] [--threads n] [--silent]`: runs the
 * cases, writes bench-results/<timestamp>.json and .md, and prints the Markdown table.
 */
import { runBench } from './run-bench.ts';

const { markdown, jsonPath, mdPath } = await runBench(process.argv.slice(2));
process.stdout.write(`${markdown}\nJSON: ${jsonPath}\nMarkdown: ${mdPath}\n`);
