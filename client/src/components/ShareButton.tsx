/** Builds a `#g=` link carrying the graph (and the clip and frame on screen), copies it when allowed, and shows it for manual copying. */
import { useState } from 'react';
import { shareUrl } from '../lib/share-link.ts';
import { getState } from '../store/editor-store.ts';
import { notify, reportError } from '../store/status-actions.ts';

export function ShareButton() {
  const [link, setLink] = useState<string | null>(null);

  const share = async () => {
    try {
      const { graph, preview } = getState();
      const url = await shareUrl(graph, location.href, { clip: preview.input, frame: preview.frame });
      setLink(url);
      await navigator.clipboard?.writeText(url).then(
        () => notify('Share link copied to the clipboard'),
        () => undefined,
      );
    } catch (e) {
      reportError(e, 'Share link');
    }
  };

  return (
    <span className="share">
      <button type="button" onClick={() => void share()} data-testid="share" title="Link that opens this graph">
        Share
      </button>
      {link && (
        <span className="share__popover">
          <input readOnly value={link} data-testid="share-link" onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => setLink(null)} aria-label="Close">
            ×
          </button>
        </span>
      )}
    </span>
  );
}
