/**
 * Names that come from requests and become file names. Each is checked against a narrow pattern, then the
 * resolved path is checked to stay inside its folder, so no request can reach a file outside it.
 */
import path from 'node:path';
import { AneloError, type ErrorCode } from '../../../nodes/core/errors.ts';

const PRESET_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;
const MEDIA_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.()+-]{0,159}$/;

function check(name: string, pattern: RegExp, code: ErrorCode, what: string, most: number): string {
  // Route params arrive decoded once; a name that still holds an escape was encoded twice, which no name needs.
  const bad = !pattern.test(name) || name.includes('..') || /[. ]$/.test(name) || path.isAbsolute(name);
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  if (name.length > most) throw new AneloError(code, `invalid ${what} name "${shown}": ${name.length} characters, at most ${most}`, { param: 'name' });
  if (bad) throw new AneloError(code, `invalid ${what} name "${shown}": use letters, digits, space, "_", "-", "." (not "..")`, { param: 'name' });
  return name;
}

/** A preset name: 1-64 of letters, digits, space, `_`, `-`, `.`; no `..`, separators, escapes or absolute paths. */
export function checkPresetName(name: string): string {
  return check(name, PRESET_NAME, 'ANELO_E060_PRESET_NAME', 'preset', 64);
}

/** A media or output file name as the API addresses it (a bare file name, never a path). */
export function checkFileName(name: string): string {
  return check(name, MEDIA_NAME, 'ANELO_E072_MEDIA_NAME', 'file', 160);
}

/** `dir/name`, refusing anything that would resolve outside `dir`. */
export function resolveInside(dir: string, name: string, code: ErrorCode = 'ANELO_E072_MEDIA_NAME'): string {
  const root = path.resolve(dir);
  const full = path.resolve(root, name);
  if (path.dirname(full) !== root) throw new AneloError(code, `"${name.slice(0, 80)}" is not a plain file name`, { param: 'name' });
  return full;
}

/** Latin letters NFKD does not take apart into a letter and an accent. */
const LATIN_LETTERS: Record<string, string> = { ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', þ: 'th', Þ: 'TH', ð: 'd', Ð: 'D' };

/**
 * Turns an uploaded file's name into a safe media name: path stripped, accents dropped from letters ("Café" is
 * "Cafe", not "Caf_"), other odd characters replaced, extension kept.
 */
export function sanitiseUploadName(original: string | undefined): string {
  const base = (original ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ßæÆœŒøØłŁđĐþÞðÐ]/g, (c) => LATIN_LETTERS[c])
    .split(/[\\/]/)
    .pop() ?? '';
  const ext = (path.extname(base).toLowerCase().match(/^\.[a-z0-9]{1,8}$/) ?? [''])[0];
  let stem = base.slice(0, base.length - path.extname(base).length);
  stem = stem.replace(/[^A-Za-z0-9 _()+-]+/g, '_').replace(/_+/g, '_').replace(/^[^A-Za-z0-9]+/, '').trim().slice(0, 100);
  return `${stem || 'upload'}${ext || '.mp4'}`;
}
