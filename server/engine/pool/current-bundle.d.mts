export interface BundleManifest {
  id: string;
  /** The project folder it was made from: module URLs are written into it, so a moved project makes a new one. */
  root: string;
  /** Every input file of the bundle: path relative to the project, size, mtime. */
  inputs: [string, number, number][];
}
export const ROOT: string;
export const BUNDLE_DIR: string;
export function currentManifest(entry: string, dir?: string, root?: string): BundleManifest | undefined;
export function currentEntryUrl(entry: string, dir?: string, root?: string): string | undefined;
