/** Preset names as the server accepts them (ANELO_E060): checked before saving so the prompt can say why. */
const PRESET_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;

/** A reason the name is refused, or undefined when it is fine. */
export function presetNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'a preset needs a name';
  if (!PRESET_NAME.test(name)) return 'use 1-64 letters, digits, spaces, "_", "." or "-", starting with a letter or digit';
  if (name.includes('..')) return 'a preset name cannot contain ".."';
  return undefined;
}
