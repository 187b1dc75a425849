/** The graph menu: new, rename, save, save as, and presets from GET /api/graphs (built-ins first) to open or delete. Esc closes it. */
import { useEffect, useRef, useState } from 'react';
import { useEditor } from '../store/editor-store.ts';
import { deletePreset, describeGraph, newGraph, openPreset, refreshPresets, renameGraph, savePreset, savePresetAs } from '../store/preset-actions.ts';

export function PresetMenu() {
  const presets = useEditor((s) => s.presets);
  const current = useEditor((s) => s.presetName);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    void refreshPresets();
    const close = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const sorted = [...presets].sort((a, b) => Number(b.builtIn) - Number(a.builtIn));
  const act = (f: () => void) => () => {
    setOpen(false);
    f();
  };

  return (
    <div className="menu" ref={ref}>
      <button type="button" onClick={() => setOpen(!open)} data-testid="preset-menu" aria-expanded={open}>
        Graph ▾
      </button>
      {open && (
        <div className="menu__panel" role="menu">
          <button type="button" role="menuitem" onClick={act(() => void newGraph())} data-testid="graph-new">
            New
          </button>
          <button type="button" role="menuitem" onClick={act(() => void renameGraph())} data-testid="graph-rename">
            Rename…
          </button>
          <button type="button" role="menuitem" onClick={act(() => void describeGraph())} data-testid="graph-describe">
            Description…
          </button>
          <button type="button" role="menuitem" onClick={act(() => void savePreset())} data-testid="preset-save">
            Save <span className="menu__key">Ctrl+S</span>
          </button>
          <button type="button" role="menuitem" onClick={act(() => void savePresetAs())} data-testid="preset-save-as">
            Save as…
          </button>
          <div className="menu__sep" />
          <div className="menu__heading">Open a preset</div>
          {sorted.length === 0 && <div className="menu__empty">No presets yet</div>}
          {sorted.map((p) => (
            <div key={p.name} className={`menu__row${p.name === current ? ' is-current' : ''}`}>
              <button type="button" role="menuitem" className="menu__open" onClick={act(() => void openPreset(p.name))} data-testid={`preset-item-${p.name}`}>
                {p.name}
                {p.builtIn && <span className="tag">built-in</span>}
              </button>
              {!p.builtIn && (
                <button type="button" className="menu__delete" title={`Delete ${p.name}`} onClick={act(() => void deletePreset(p.name))} data-testid={`preset-delete-${p.name}`}>
                  ×
                </button>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
