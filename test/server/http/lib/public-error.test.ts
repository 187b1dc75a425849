/** What a client may see of an error: server paths cut to file names, everything else as it was. */
import { describe, expect, it } from 'vitest';
import { publicError, redactPaths } from '../../../../server/http/lib/public-error.ts';

describe('public errors', () => {
  it('cut absolute paths to their file names, and leave download addresses whole', () => {
    const url = 'https://huggingface.co/onnx-community/depth-anything-v2-small/resolve/main/onnx/model.onnx';
    // The missing-model message names the folders searched and where to download the file by hand: the address was
    // cut like a path ("https:/model.onnx"), which left the user nothing to download.
    const text = `Searched for model.onnx in: /home/ann/anelo/models, /srv/models. Run \`anelo models pull x\`, or download ${url} yourself and save it as /home/ann/anelo/models/model.onnx.`;
    expect(redactPaths(text)).toBe(`Searched for model.onnx in: models, models. Run \`anelo models pull x\`, or download ${url} yourself and save it as model.onnx.`);
    expect(redactPaths('see http://127.0.0.1:7878/api/runs/abc')).toBe('see http://127.0.0.1:7878/api/runs/abc');
    // A file: address is a server path all the same.
    expect(redactPaths('failed to load file:///home/ann/anelo/nodes/depth.ts: boom')).toBe('failed to load depth.ts: boom');
    // So is ffmpeg's file: protocol prefix, which an encoder's error quotes (it ran with "file:<path>").
    expect(redactPaths('ffmpeg exited with code 1: file:/srv/anelo/data/uploads/mine.mp4: No such file or directory')).toBe('ffmpeg exited with code 1: mine.mp4: No such file or directory');
    expect(redactPaths('cannot read "/home/ann/My Videos/clip.mp4" (/tmp/x/y)')).toBe('cannot read "My Videos/clip.mp4" (y)');
    expect(publicError({ code: 'ANELO_E040_MODEL_MISSING', title: 't', message: `at ${url}`, file: '/home/ann/anelo/models/model.onnx' })).toMatchObject({ message: `at ${url}`, file: 'model.onnx' });
  });
});
