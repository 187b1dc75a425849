import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/shared-data.ts';

describe('anelo serve beyond loopback', () => {
  it('prints an access token once, in the address to open, and refuses requests without it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-token-'));
    const client = path.join(dir, 'client');
    mkdirSync(client);
    writeFileSync(path.join(client, 'index.html'), '<!doctype html>');
    const env = { ...process.env, ANELO_DATA_DIR: path.join(dir, 'data'), ANELO_CLIENT_DIR: client, ANELO_CACHE_DIR: path.join(dir, 'cache'), ANELO_TOKEN: '' };
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'anelo.mjs'), 'serve', '--host', '0.0.0.0', '--port', '0'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    try {
      const [port, token] = await new Promise<[string, string]>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += String(d);
          const m = /http:\/\/0\.0\.0\.0:(\d+)\/\?token=([0-9a-f]+)/.exec(out);
          if (m && out.includes('press Ctrl+C')) resolve([m[1], m[2]]);
        });
        child.on('exit', () => reject(new Error(out)));
      });
      expect(out.match(new RegExp(token, 'g'))).toHaveLength(1);
      const none = await fetch(`http://127.0.0.1:${port}/api/graphs`);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('ANELO_E106_ACCESS_TOKEN');
      const ok = await fetch(`http://127.0.0.1:${port}/api/graphs`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
