/** The right-click menu: on a node (duplicate, copy, bypass, delete) or on the empty canvas (paste, add node, select all, fit). Esc closes it. */
import { useEffect } from 'react';
import { useReadableFit } from '../hooks/use-readable-fit.ts';
import { copySelection, duplicateSelection, hasClipboard, paste } from '../store/clipboard-actions.ts';
import { getState, update, useEditor } from '../store/editor-store.ts';
import { setSelection } from '../store/graph-actions.ts';
import { removeElements, toggleBypass } from '../store/node-actions.ts';

function close(): void {
  update((s) => void (s.contextMenu = null));
}

export function CanvasMenu() {
  const menu = useEditor((s) => s.contextMenu);
  const bypassed = useEditor((s) => s.graph.nodes.find((n) => n.id === s.contextMenu?.nodeId)?.bypass === true);
  const fitView = useReadableFit();
  useEffect(() => {
    if (!menu) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    const onDown = (e: PointerEvent) => !(e.target as Element).closest?.('.canvas-menu') && close();
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onDown);
    };
  }, [menu]);
  if (!menu) return null;
  const act = (f: () => void) => () => {
    close();
    f();
  };
  const node = menu.nodeId;
  return (
    <div className="canvas-menu menu__panel" style={{ left: menu.screen.x, top: menu.screen.y }} role="menu" data-testid="canvas-menu">
      {node ? (
        <>
          <button type="button" role="menuitem" onClick={act(duplicateSelection)} data-testid="menu-duplicate">
            Duplicate <span className="menu__key">Ctrl+D</span>
          </button>
          <button type="button" role="menuitem" onClick={act(() => void copySelection())} data-testid="menu-copy">
            Copy <span className="menu__key">Ctrl+C</span>
          </button>
          <button type="button" role="menuitem" onClick={act(() => toggleBypass(getState().selection.nodes))} data-testid="menu-bypass">
            {bypassed ? 'Enable' : 'Bypass'} <span className="menu__key">Ctrl+B</span>
          </button>
          <button type="button" role="menuitem" onClick={act(() => removeElements(getState().selection.nodes, []))} data-testid="menu-delete">
            Delete <span className="menu__key">Del</span>
          </button>
        </>
      ) : (
        <>
          <button type="button" role="menuitem" disabled={!hasClipboard()} onClick={act(() => paste(menu.flow))} data-testid="menu-paste">
            Paste here <span className="menu__key">Ctrl+V</span>
          </button>
          <button type="button" role="menuitem" onClick={act(() => update((s) => void (s.nodeSearch = { screen: menu.screen, flow: menu.flow })))} data-testid="menu-add-node">
            Add node…
          </button>
          <button type="button" role="menuitem" onClick={act(() => setSelection(getState().graph.nodes.map((n) => n.id), []))} data-testid="menu-select-all">
            Select all <span className="menu__key">Ctrl+A</span>
          </button>
          <button type="button" role="menuitem" onClick={act(fitView)} data-testid="menu-fit">
            Fit view
          </button>
        </>
      )}
    </div>
  );
}
