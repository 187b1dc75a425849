// The spawn helper (see spawn-broker.ts): a small Node process that starts ffmpeg decoders for anelo and hands their
// stdout and stderr back over the IPC channel, so the fork that starts each one copies this process's few dozen MB
// of page tables instead of anelo's gigabyte. It holds no state but the processes it started, and kills them all
// the moment anelo goes away (its channel closes, however anelo ended).
import { spawn } from 'node:child_process';

const kids = new Map();

/**
 * Keeps this process from reading a child's pipe: a pipe's socket starts reading as it is made, and whatever it
 * read before its handle went to anelo was lost with it. Handles go one at a time (each waits for anelo to take the
 * one before), so under load a decoder's first bytes were read here and dropped: the frames after them came out
 * shifted, every one in the wrong colours and place. Unread, the bytes wait in the pipe for anelo.
 */
function leaveUnread(socket) {
  const handle = socket?._handle;
  if (!handle) return;
  handle.reading = false;
  handle.readStop();
}

function send(message, handle) {
  try {
    process.send(message, handle);
  } catch {
    // The channel is closing: the disconnect handler below cleans up.
  }
}

process.on('message', (m) => {
  if (m.op === 'spawn') {
    let child;
    try {
      child = spawn(m.command, m.args, { stdio: ['ignore', 'pipe', 'pipe'], env: m.env });
    } catch (e) {
      send({ op: 'error', id: m.id, message: e.message });
      return;
    }
    // At once, before this process's event loop turns and a read could happen.
    leaveUnread(child.stdout);
    leaveUnread(child.stderr);
    kids.set(m.id, child);
    child.on('error', (e) => {
      kids.delete(m.id);
      send({ op: 'error', id: m.id, message: e.message });
    });
    child.on('spawn', () => {
      send({ op: 'stdout', id: m.id, pid: child.pid }, child.stdout);
      send({ op: 'stderr', id: m.id }, child.stderr);
    });
    child.on('exit', (code, signal) => {
      kids.delete(m.id);
      send({ op: 'exit', id: m.id, code, signal });
    });
  } else if (m.op === 'kill') {
    const child = kids.get(m.id);
    if (child) child.kill(m.signal);
  }
});

process.on('disconnect', () => {
  for (const child of kids.values()) child.kill('SIGKILL');
  process.exit(0);
});
