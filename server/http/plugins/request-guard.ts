/**
 * First hook on every request, WebSocket upgrades included: refuses a Host this server does not answer to (403
 * E104), a cross-site state-changing request or upgrade (403 E105), and, when the server is bound beyond loopback,
 * a request without the access token printed at start (401 E106; `?token=` once sets a cookie, as Jupyter does).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AneloError } from '../../../nodes/core/errors.ts';
import { allowedHosts, hostnameOf, isAllowedOrigin, needsSameOrigin } from '../lib/host-rules.ts';

export interface RequestGuardOptions {
  host: string;
  /** Required on every request when set (the server is bound beyond loopback). */
  accessToken?: string;
  /** The longest route param the router takes (build-server.ts). */
  maxParamLength: number;
}

const COOKIE = 'anelo_token';

function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function refuse(reply: FastifyReply, status: number, err: AneloError): FastifyReply {
  // A refused WebSocket upgrade holds a raw socket no HTTP machinery closes: close it once the answer is out.
  if (reply.request.headers.upgrade) {
    reply.header('connection', 'close');
    reply.raw.once('finish', () => reply.request.raw.socket?.destroy());
  }
  return reply.code(status).type('application/json').header('cache-control', 'no-store').send({ error: err.toJSON() });
}

/** The longest path a file can have here (Linux's PATH_MAX), and so the longest URL path anything answers. */
const MAX_PATH = 4096;

/**
 * A path no route or file can answer, as the error that says why: a NUL byte, a path longer than any file's, or a
 * name longer than any file (255 bytes) or route param (MAX_NAME_IN_URL) has. The editor's static files answered
 * each with a bare 403 "Forbidden", and a route whose param was too long for the router with "no route".
 */
function unservablePath(url: string, maxParam: number): AneloError | undefined {
  const pathName = url.split('?')[0];
  if (/%00/.test(pathName)) return new AneloError('ANELO_E052_BAD_REQUEST', 'malformed URL: it holds a NUL byte (%00)', { param: 'url' });
  if (pathName.length > MAX_PATH) return new AneloError('ANELO_E109_URL_TOO_LONG', `the URL's path is ${pathName.length} characters long, at most ${MAX_PATH}`, { param: 'url' });
  const api = pathName === '/api' || pathName.startsWith('/api/');
  const most = api ? maxParam : 255;
  const long = pathName.split('/').find((part) => part.length > most);
  if (long === undefined) return undefined;
  return new AneloError('ANELO_E109_URL_TOO_LONG', `a name in the URL is ${long.length} characters long, at most ${most}: ${long.slice(0, 80)}…`, { param: 'url' });
}

async function requestGuard(app: FastifyInstance, opts: RequestGuardOptions): Promise<void> {
  const hosts = allowedHosts(opts.host);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const hostHeader = req.headers.host ?? '';
    const host = hostnameOf(hostHeader);
    if (!hosts.has(host)) {
      return refuse(reply, 403, new AneloError('ANELO_E104_HOST_NOT_ALLOWED', `this server does not answer to host "${host.slice(0, 100)}": open it at http://127.0.0.1 or add the name to ANELO_ALLOWED_HOSTS`, { param: 'host' }));
    }
    const unservable = unservablePath(req.url, opts.maxParamLength);
    if (unservable) return refuse(reply, unservable.code === 'ANELO_E109_URL_TOO_LONG' ? 414 : 400, unservable);
    if (needsSameOrigin(req.method, req.headers)) {
      const origin = req.headers.origin;
      const site = req.headers['sec-fetch-site'];
      const crossSite = origin !== undefined ? origin === 'null' || !isAllowedOrigin(origin, hostHeader) : site === 'cross-site' || site === 'same-site';
      if (crossSite) {
        return refuse(reply, 403, new AneloError('ANELO_E105_CROSS_ORIGIN', `${req.method} from another site (${String(origin ?? site).slice(0, 100)}) refused: only the editor's own pages may change anything`, { param: 'origin' }));
      }
    }
    if (opts.accessToken) {
      const url = new URL(req.url, 'http://x');
      const fromQuery = url.searchParams.get('token') ?? undefined;
      const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const given = [fromQuery, bearer, cookieToken(req.headers.cookie)].find((t) => same(t, opts.accessToken!));
      if (!given) {
        return refuse(reply, 401, new AneloError('ANELO_E106_ACCESS_TOKEN', 'this server needs its access token: open the address with ?token=… that `anelo serve` printed at start', { param: 'token' }));
      }
      if (fromQuery) reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(given)}; HttpOnly; SameSite=Strict; Path=/`);
    }
    return undefined;
  });
}

export default fp(requestGuard, { name: 'anelo-request-guard' });
