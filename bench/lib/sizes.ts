/** How much of each data set a scale uses: the one place that trades coverage for run time. */
import type { Scale } from './options.ts';

export interface Sizes {
  /** The shared clip graph runs use (../shared/media) and its frame count (0 = all). */
  clip: string;
  clipFrames: number;
  /** Frames of the 1080p upscale timed per node. */
  hdFrames: number;
  /** Clips and frames per clip (0 = all) of the flicker figure. */
  flickerClips: string[];
  flickerFrames: number;
  /** 10 s vs 60 s of bbb at 24 fps, and decode's maxHeight (0 = source size). */
  memory: { clip: string; shortFrames: number; longFrames: number; maxHeight: number };
  /** Frames each side of the peer comparison runs. */
  peerFrames: number;
  /** Preview frame (cold) and warm-up frame (far from it, so they share no chunk). */
  preview: { frame: number; warmupFrame: number };
}

const ALL_CLIPS = ['bikes-cuts.mp4', 'carphone-176x144.mp4', 'bbb-60s-640x360.mp4', 'bbb-5s-720p.mp4'];

export function sizesFor(scale: Scale): Sizes {
  if (scale === 'tiny') {
    return {
      clip: 'carphone-176x144.mp4',
      clipFrames: 20,
      hdFrames: 4,
      flickerClips: ['carphone-176x144.mp4'],
      flickerFrames: 20,
      memory: { clip: 'bbb-60s-640x360.mp4', shortFrames: 48, longFrames: 288, maxHeight: 72 },
      peerFrames: 4,
      preview: { frame: 2, warmupFrame: 18 },
    };
  }
  if (scale === 'quick') {
    return {
      clip: 'bikes-cuts.mp4',
      clipFrames: 96,
      hdFrames: 16,
      flickerClips: ALL_CLIPS,
      flickerFrames: 64,
      memory: { clip: 'bbb-60s-640x360.mp4', shortFrames: 240, longFrames: 1440, maxHeight: 144 },
      peerFrames: 24,
      preview: { frame: 24, warmupFrame: 88 },
    };
  }
  return {
    clip: 'bikes-cuts.mp4',
    clipFrames: 0,
    hdFrames: 48,
    flickerClips: ALL_CLIPS,
    flickerFrames: 0,
    memory: { clip: 'bbb-60s-640x360.mp4', shortFrames: 240, longFrames: 1440, maxHeight: 0 },
    peerFrames: 64,
    preview: { frame: 24, warmupFrame: 200 },
  };
}
