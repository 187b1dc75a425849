/** Says why the last connection attempt was refused. */
import { useEditor } from '../store/editor-store.ts';

export function ConnectionRefused() {
  const reason = useEditor((s) => s.connectionRefused);
  if (!reason) return null;
  return (
    <div className="connection-refused" data-testid="connection-refused" role="alert">
      Cannot connect: {reason}
    </div>
  );
}
