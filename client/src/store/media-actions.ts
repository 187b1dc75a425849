/** Input media: list, upload, and the preview settings that hang on them. */
import { api } from '../api/api-client.ts';
import type { PreviewSettings } from './editor-state.ts';
import { getState, update } from './editor-store.ts';
import { notify, reportError } from './status-actions.ts';

export async function refreshMedia(): Promise<void> {
  try {
    const media = await api.media();
    update((s) => {
      s.media = media;
      if (!s.preview.input || !media.some((m) => m.name === s.preview.input)) s.preview.input = media[0]?.name ?? null;
    });
  } catch (e) {
    reportError(e, 'Listing media');
  }
}

export async function uploadMedia(file: File): Promise<void> {
  notify(`Uploading ${file.name}…`);
  try {
    const media = await api.uploadMedia(file);
    await refreshMedia();
    setPreview({ input: media.name, frame: 0 });
    notify(`Uploaded ${media.name}`);
  } catch (e) {
    reportError(e, `Uploading ${file.name}`);
  }
}

export function setPreview(patch: Partial<PreviewSettings>): void {
  update((s) => void Object.assign(s.preview, patch));
}

/** Frame count of the chosen input, 0 when none. */
export function inputFrameCount(): number {
  const s = getState();
  return s.media.find((m) => m.name === s.preview.input)?.frameCount ?? 0;
}
