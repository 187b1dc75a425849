/**
 * Who may talk to the editor server. A loopback server is still reachable from any web page the user opens:
 * through DNS rebinding (evil.example resolving to 127.0.0.1) the page sends `Host: evil.example`, and a
 * cross-site form or fetch sends its own Origin. So the Host header must name this server, and every
 * state-changing request and WebSocket upgrade must come from the editor's own origin.
 */
import os from 'node:os';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The host name of a Host header or URL authority, lower-cased, port and IPv6 brackets removed. */
export function hostnameOf(authority: string): string {
  const a = authority.trim().toLowerCase();
  if (a.startsWith('[')) return a.slice(1, a.indexOf(']') > 0 ? a.indexOf(']') : undefined);
  const colon = a.indexOf(':');
  // More than one colon and no brackets: a bare IPv6 address.
  if (colon >= 0 && a.indexOf(':', colon + 1) >= 0) return a;
  return colon >= 0 ? a.slice(0, colon) : a;
}

/**
 * Host names the server answers to: loopback names, the configured host, ANELO_ALLOWED_HOSTS (comma-separated),
 * and, when bound beyond loopback (where an access token guards it), this machine's name and addresses.
 */
export function allowedHosts(boundHost: string, env: NodeJS.ProcessEnv = process.env): Set<string> {
  const out = new Set(LOOPBACK_NAMES);
  const bound = hostnameOf(boundHost);
  const wildcard = bound === '0.0.0.0' || bound === '::' || bound === '';
  if (!wildcard) out.add(bound);
  for (const h of (env.ANELO_ALLOWED_HOSTS ?? '').split(',')) if (h.trim()) out.add(hostnameOf(h));
  if (!isLoopbackHost(boundHost)) {
    out.add(os.hostname().toLowerCase());
    for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) out.add(i.address.toLowerCase());
  }
  return out;
}

/** True when an Origin header (`http://host:port`) is the same origin as the Host header the request came with. */
export function isSameOrigin(origin: string, hostHeader: string): boolean {
  try {
    const o = new URL(origin);
    if (o.protocol !== 'http:' && o.protocol !== 'https:') return false;
    const h = new URL(`${o.protocol}//${hostHeader.trim()}`);
    return o.hostname === h.hostname && o.port === h.port;
  } catch {
    return false;
  }
}

/**
 * True when an Origin is acceptable for a request that came with this Host: the same origin, or, on a loopback
 * Host, any loopback origin (the editor's dev server on another port proxies here; a page from the internet, DNS
 * rebinding included, never has a loopback origin).
 */
export function isAllowedOrigin(origin: string, hostHeader: string): boolean {
  if (isSameOrigin(origin, hostHeader)) return true;
  try {
    const o = new URL(origin);
    return (o.protocol === 'http:' || o.protocol === 'https:') && isLoopbackHost(o.hostname) && isLoopbackHost(hostnameOf(hostHeader));
  } catch {
    return false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True for requests that change state (anything but GET/HEAD/OPTIONS) and for WebSocket upgrades. */
export function needsSameOrigin(method: string, headers: Record<string, string | string[] | undefined>): boolean {
  if (!SAFE_METHODS.has(method.toUpperCase())) return true;
  return String(headers.upgrade ?? '').toLowerCase() === 'websocket';
}
