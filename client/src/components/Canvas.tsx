/** The node graph: React Flow bound to the store's GraphDocument. */
import { Background, BackgroundVariant, ControlButton, Controls, MiniMap, ReactFlow, useReactFlow, type NodeTypes } from '@xyflow/react';
import { useCallback, useEffect, useRef, type MouseEvent as ReactMouseEvent, type RefObject } from 'react';
import { useCanvasChanges } from '../hooks/use-canvas-changes.ts';
import { useCanvasDrop } from '../hooks/use-canvas-drop.ts';
import { useConnectionRules } from '../hooks/use-connection-rules.ts';
import { useFlowElements, type FlowNode } from '../hooks/use-flow-elements.ts';
import { useGraphInView } from '../hooks/use-graph-in-view.ts';
import { FIT_OPTIONS, useReadableFit } from '../hooks/use-readable-fit.ts';
import { getState, update, useEditor } from '../store/editor-store.ts';
import { setSelection } from '../store/graph-actions.ts';
import { removeElements } from '../store/node-actions.ts';
import { CanvasMenu } from './CanvasMenu.tsx';
import { ConnectionRefused } from './ConnectionRefused.tsx';
import { GraphNodeView } from './GraphNodeView.tsx';
import { NodeSearch } from './NodeSearch.tsx';
import { StatusArea } from './StatusArea.tsx';

const nodeTypes: NodeTypes = { anelo: GraphNodeView };
const deleteKeys = ['Delete', 'Backspace'];
/** Small enough to leave a 1280x720 window's canvas (554 px) most of its width; notices keep clear of it (styles.css). */
const MINIMAP_SIZE = { width: 140, height: 96 };
/** Fits the view whenever a whole graph is loaded (after React Flow has measured the new nodes). */
function useFitOnLoad(fitView: () => void): void {
  const loads = useEditor((s) => s.graphLoads);
  useEffect(() => {
    if (loads === 0) return;
    const t = setTimeout(fitView, 80);
    return () => clearTimeout(t);
  }, [loads, fitView]);
}

/** Fits the view again when the canvas changes size (window resized, viewer enlarged or dragged), once it settles. */
function useFitOnResize(ref: RefObject<HTMLDivElement | null>, fitView: () => void): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let last = { w: el.clientWidth, h: el.clientHeight };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ro = new ResizeObserver(() => {
      const now = { w: el.clientWidth, h: el.clientHeight };
      if (Math.abs(now.w - last.w) < 24 && Math.abs(now.h - last.h) < 24) return;
      last = now;
      clearTimeout(timer);
      timer = setTimeout(fitView, 150);
    });
    ro.observe(el);
    return () => {
      clearTimeout(timer);
      ro.disconnect();
    };
  }, [ref, fitView]);
}

export function Canvas() {
  const graph = useEditor((s) => s.graph);
  const catalogue = useEditor((s) => s.catalogue);
  const selection = useEditor((s) => s.selection);
  const message = useEditor((s) => s.canvasMessage);
  const { measured, onNodesChange, onEdgesChange } = useCanvasChanges();
  const { nodes, edges } = useFlowElements(graph, catalogue, selection, measured);
  const rules = useConnectionRules();
  const drop = useCanvasDrop();
  const ref = useRef<HTMLDivElement>(null);
  const { screenToFlowPosition } = useReactFlow();
  const fit = useReadableFit();
  // The minimap covers a corner of the canvas: shown only when part of the graph is off screen.
  const inView = useGraphInView();
  useFitOnLoad(fit);
  useFitOnResize(ref, fit);

  const openMenu = useCallback(
    (e: ReactMouseEvent | MouseEvent, nodeId?: string) => {
      e.preventDefault();
      const screen = { x: e.clientX, y: e.clientY };
      // A right-click on a node outside the selection acts on that node alone, as in file managers.
      if (nodeId && !getState().selection.nodes.includes(nodeId)) setSelection([nodeId], []);
      update((s) => void (s.contextMenu = { screen, flow: screenToFlowPosition(screen), nodeId }));
    },
    [screenToFlowPosition],
  );

  const onDelete = useCallback(({ nodes: n, edges: e }: { nodes: FlowNode[]; edges: { id: string }[] }) => {
    removeElements(n.map((x) => x.id), e.map((x) => x.id));
  }, []);

  return (
    <div ref={ref} className={`canvas${inView ? '' : ' canvas--overview'}`} data-testid="canvas" onDragOver={drop.onDragOver} onDrop={drop.onDrop}>
      <ReactFlow<FlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={rules.onConnect}
        onConnectStart={rules.onConnectStart}
        onNodeContextMenu={(e, n) => openMenu(e, n.id)}
        onPaneContextMenu={(e) => openMenu(e)}
        onConnectEnd={rules.onConnectEnd}
        isValidConnection={rules.isValidConnection}
        onDelete={onDelete}
        deleteKeyCode={deleteKeys}
        // Arrow keys step the previewed frame; they must not also nudge the selected nodes.
        disableKeyboardA11y
        colorMode="dark"
        fitView
        fitViewOptions={FIT_OPTIONS}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1} color="#2c3038" />
        <Controls showInteractive={false} showFitView={false}>
          <ControlButton className="react-flow__controls-fitview" onClick={fit} title="Fit view (as much as stays readable)" aria-label="Fit view">
            <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
              <path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="2" />
            </svg>
          </ControlButton>
        </Controls>
        {!inView && <MiniMap pannable zoomable nodeColor="#3a3f4a" maskColor="rgba(10,12,16,0.7)" style={MINIMAP_SIZE} />}
      </ReactFlow>
      {message && graph.nodes.length === 0 && (
        <div className="canvas-message" data-testid="canvas-message">
          {message}
        </div>
      )}
      <ConnectionRefused />
      <NodeSearch />
      <CanvasMenu />
      <StatusArea />
    </div>
  );
}
