/** What the numbers were measured on: they only compare within one run on one machine. */
import os from 'node:os';
import { hugePages, mallocArenas } from '../../server/engine/huge-pages.ts';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemMB: number;
  loadAvg1m: number;
  /** Whether big buffers sat on transparent huge pages (`npm run bench` asks for them; `anelo doctor` explains). */
  hugePages: string;
  /** How many malloc arenas the threads shared (`npm run bench` asks for one; `anelo doctor` explains). */
  mallocArenas: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    loadAvg1m: Number(os.loadavg()[0].toFixed(2)),
    hugePages: (({ active, why }) => `${active ? 'on' : 'off'}: ${why}`)(hugePages()),
    mallocArenas: mallocArenas().why,
  };
}
