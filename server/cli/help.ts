/**
 * `anelo help [command]`, `anelo <command> --help`: what each command takes, one option a line. The overview
 * (USAGE) lists every command; a command's own help says what each of its options does and its default.
 */

export const USAGE = `anelo — convert 2D video to stereo 3D with node graphs

  anelo run <graph.json> --input <video> --output <file> [--set <node>.<param>=<value> ...]
            [--frames <start>:<end>] [--report <report.json>] [--cache-dir <dir>] [--workers N] [--verbose]
            [--cluster redis://host:port [--segment-frames 300] [--min-segment-frames 12]]
  anelo worker --redis redis://host:port [--workers N] [--cache-dir <dir>] [--preload <model>]
                                       render cluster segments (--preload: load a model and start threads first)
  anelo nodes [--json]                 node types, ports and params
  anelo models list [--json]           depth models: licence, size, installed or not
  anelo models pull <id>               download a model (resumable, sha256-verified)
  anelo models verify                  re-check installed model files
  anelo serve [--host 127.0.0.1] [--port 7878] [--redis redis://host:port]   the editor (npm start); renders go
                                       to the cluster's workers when --redis is given
  anelo doctor [--json]                which ffmpeg, ffprobe, onnxruntime providers, cache and model folders

  anelo help <command>                 one command's options (or: anelo <command> --help)

Example:
  npx anelo run graphs/default.json --input clip.mp4 --output clip_LRF_Full_SBS.mp4 --set smooth.strength=0.5
`;

const CACHE_DIR = 'default $ANELO_CACHE_DIR, else ~/.cache/anelo';

const COMMANDS: Record<string, string> = {
  run: `anelo run <graph.json> --input <video> --output <file> [options]

Renders a graph (a file from graphs/ or one the editor exported) to a video file.

  -i, --input <video>          the video to convert, read by the graph's decode node (with several, by those
                               that name no file of their own)
  -o, --output <file>          the file encode writes; .mp4, .m4v, .mov or .mkv decides the container. With
                               several encode nodes, each writes <name>-<node id><ext>
  --set <node>.<param>=<value> sets one parameter, e.g. --set smooth.strength=0.5 (repeat for more; anelo nodes
                               lists each node type's parameters and their ranges)
  --frames <start>:<end>       renders frames start .. end-1 only (either side may be left out: 100: or :250)
  --report <report.json>       writes what each node computed, read from the cache and took, and the warnings
  --cache-dir <dir>            where computed results are kept between runs (${CACHE_DIR})
  --workers N                  threads for pixel work, and the cores depth inference shares (default one per
                               core, or $ANELO_WORKERS; 0 = the main thread only)
  -q, --quiet                  no progress lines
  --verbose                    a failure's stack as well as its one-line coded error
  --cluster redis://host:port  splits the render into segments for \`anelo worker\`s on other machines, then
                               joins them (the same Redis as the workers')
  --segment-frames N           frames per cluster segment (default 300)
  --min-segment-frames N       the shortest segment a cluster render makes at a scene cut (default 12)

Exit status: 0 done, 1 failed (the error's code and where are on stderr), 130 stopped by Ctrl-C (no output left).
`,
  worker: `anelo worker --redis redis://host:port [options]

Renders segments of cluster renders (anelo run --cluster, or the editor started with --redis) until stopped
(Ctrl-C or SIGTERM; segments running here go back to the queue).

  --redis redis://host:port    the render queue's Redis (required)
  --workers N                  segments this machine renders at once (default 1)
  --cache-dir <dir>            where computed results are kept between segments (${CACHE_DIR})
  --preload <model>            loads a depth model and starts the threads before the first segment (repeat for
                               more; anelo models list names them)
  -q, --quiet                  no log lines
  --verbose                    a failure's stack as well as its one-line coded error
`,
  nodes: `anelo nodes [--json]

Lists the node types a graph can use: their ports, and each parameter with its default, range and meaning.

  --json                       the same as JSON (the catalogue the editor reads)
`,
  models: `anelo models list [--json]
anelo models pull <id> [--precision fp32|fp16|int8] [--accept-license]
anelo models verify

  list                         depth models: licence, size, installed or not, and where anelo looks for them
  pull <id>                    downloads a model (resumable) and checks its sha256 before installing it
    --precision fp32|fp16|int8 which of the model's files, where it has several (default: its own)
    --accept-license           needed for a model whose licence is not permissive (it is never a default)
  verify                       re-checks every installed model file against its sha256 (exit status 1 if one
                               differs)
  --json                       list as JSON
`,
  serve: `anelo serve [--host 127.0.0.1] [--port 7878] [--redis redis://host:port]

Starts the editor (what npm start runs) and prints its address.

  --host <address>             the address to listen on (default 127.0.0.1, or $ANELO_HOST); beyond loopback,
                               every request needs the token printed with the address
  --port N                     the port (default 7878, or $ANELO_PORT)
  --redis redis://host:port    sends renders to cluster workers (anelo worker) instead of rendering here
  --verbose                    a failure's stack as well as its one-line coded error
`,
  doctor: `anelo doctor [--json]

Says which ffmpeg and ffprobe anelo uses, onnxruntime's execution providers, the thread plan, and the cache and
model folders, with what is wrong with each, if anything.

  --json                       the same as JSON
  --verbose                    a failure's stack as well as its one-line coded error
`,
};

/** A command's own help, or undefined for a command anelo does not have. */
export function commandHelp(command: string): string | undefined {
  return Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
}

/** Whether a command's arguments ask for its help: --help or -h before any "--". */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
