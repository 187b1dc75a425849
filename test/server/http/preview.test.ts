import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, DECODE_ENCODE, type TestApp } from './test-app.ts';

let t: TestApp;
afterEach(() => t.close());

const preview = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/preview', payload: { graph: DECODE_ENCODE, input: 'bbb-60s-640x360.mp4', nodeId: 'dec', ...body } });

describe('preview', () => {
  it('renders one frame of decode as a PNG of the frame size; the same request again is served from cache', async () => {
    t = await buildTestApp();
    const cold = await preview({ frame: 200 });
    expect(cold.statusCode).toBe(200);
    expect(cold.headers['content-type']).toBe('image/png');
    expect(cold.headers['x-anelo-cached']).toBe('0');
    expect(cold.headers['x-anelo-frame-count']).toBe('1440');
    const png = PNG.sync.read(cold.rawPayload);
    expect([png.width, png.height]).toEqual([640, 360]);
    // Big Buck Bunny's frame 200 is a lit outdoor scene, not a black or blank frame.
    let sum = 0;
    for (let i = 0; i < png.data.length; i += 4) sum += png.data[i] + png.data[i + 1] + png.data[i + 2];
    expect(sum / (png.width * png.height * 3)).toBeGreaterThan(30);

    const warm = await preview({ frame: 200 });
    expect(warm.headers['x-anelo-cached']).toBe('1');
    expect(Number(warm.headers['x-anelo-ms'])).toBeLessThan(Number(cold.headers['x-anelo-ms']));
    expect(warm.rawPayload.equals(cold.rawPayload)).toBe(true);
  });

  it('previews an encode node as the stream it receives', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'POST', url: '/api/preview', payload: { graph: DECODE_ENCODE, input: 'carphone-176x144.mp4', nodeId: 'enc', frame: 3 } });
    const png = PNG.sync.read(res.rawPayload);
    // carphone's pixels are 128:117 wide, as its header says: 176x144 stored, 193x144 on screen.
    expect([res.statusCode, png.width, png.height]).toEqual([200, 193, 144]);
  });

  it('refuses bad previews with coded errors', async () => {
    t = await buildTestApp();
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [{ frame: 1440 }, 400, 'ANELO_E033_FRAME_OUT_OF_RANGE'],
      [{ frame: -1 }, 400, 'ANELO_E052_BAD_REQUEST', 'frame'],
      [{ frame: 'first' }, 400, 'ANELO_E052_BAD_REQUEST', 'frame'],
      [{ frame: undefined }, 400, 'ANELO_E052_BAD_REQUEST', 'frame'],
      [{ frame: 0, nodeId: 'ghost' }, 404, 'ANELO_E034_UNKNOWN_NODE'],
      [{ frame: 0, nodeId: '../x' }, 400, 'ANELO_E052_BAD_REQUEST', 'nodeId'],
      [{ frame: 0, port: 'nope' }, 404, 'ANELO_E034_UNKNOWN_NODE'],
      [{ frame: 0, input: 'missing.mp4' }, 404, 'ANELO_E070_MEDIA_NOT_FOUND'],
      [{ frame: 0, graph: { schemaVersion: 1, nodes: [], edges: 'x' } }, 400, 'ANELO_E001_GRAPH_INVALID'],
    ];
    for (const [body, status, code, param] of cases) {
      const res = await preview(body);
      expect([res.statusCode, res.json().error.code], JSON.stringify(body)).toEqual([status, code]);
      if (param) expect(res.json().error.param).toBe(param);
    }
  });

  it('never lets a request name a model file: depth models are addressed by id', async () => {
    t = await buildTestApp();
    for (const model of ['/etc/shadow.onnx', '../../models/x', 'C:\\models\\x.onnx', 'weights.onnx']) {
      const graph = {
        schemaVersion: 1,
        nodes: [
          { id: 'dec', type: 'decode', params: {}, position: { x: 0, y: 0 } },
          { id: 'dep', type: 'depth', params: { model }, position: { x: 1, y: 0 } },
        ],
        edges: [{ source: 'dec', sourcePort: 'frames', target: 'dep', targetPort: 'frames' }],
      };
      const res = await t.app.inject({ method: 'POST', url: '/api/preview', payload: { graph, input: 'carphone-176x144.mp4', nodeId: 'dep', frame: 0 } });
      expect([res.statusCode, res.json().error.code, res.json().error.param], model).toEqual([400, 'ANELO_E001_GRAPH_INVALID', 'model']);
      expect(res.json().error.details.problems[0]).toMatchObject({ nodeId: 'dep', param: 'model' });
    }
  });

  it('reports every node stream without computing frames (POST /api/info)', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'POST', url: '/api/info', payload: { graph: DECODE_ENCODE, input: 'carphone-176x144.mp4' } });
    expect(res.json().nodes).toMatchObject({ dec: { frames: { type: 'frames', width: 176, height: 144, frameCount: 120 } }, enc: {} });
    const missing = await t.app.inject({ method: 'POST', url: '/api/info', payload: { graph: DECODE_ENCODE } });
    expect([missing.statusCode, missing.json().error.param]).toEqual([400, 'input']);
  });
});

describe('preview at frame granularity', () => {
  it('says exactly what it computed: one decoded frame, then nothing for the same frame', async () => {
    t = await buildTestApp();
    const cold = await preview({ frame: 700 });
    expect(JSON.parse(String(cold.headers['x-anelo-computed']))).toEqual({ dec: 1 });
    const warm = await preview({ frame: 700 });
    expect(JSON.parse(String(warm.headers['x-anelo-computed']))).toEqual({});
  });

  it('sends a big frame at most maxWidth wide, keeping its aspect', async () => {
    t = await buildTestApp();
    const res = await preview({ frame: 10, maxWidth: 320 });
    const png = PNG.sync.read(res.rawPayload);
    expect([png.width, png.height]).toEqual([320, 180]);
    expect((await preview({ frame: 10, maxWidth: 8 })).statusCode).toBe(400);
  });

  it('a newer preview of the same node cancels the older one still computing', async () => {
    t = await buildTestApp();
    await preview({ frame: 0 });
    // Decoding a frame spawns ffmpeg and seeks: the older request is still computing when the newer arrives.
    const older = preview({ frame: 1300 });
    await new Promise((r) => setTimeout(r, 40));
    const newer = await preview({ frame: 1301 });
    expect(newer.statusCode, newer.body).toBe(200);
    const old = await older;
    expect([old.statusCode, old.json().error.code]).toEqual([409, 'ANELO_E030_CANCELLED']);
  });
});
