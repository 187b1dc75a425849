// The 3x3 max filter of nodes/lib/dilate-foreground.ts. Each pixel starts from its own value and takes a
// neighbour only when it is greater, in the JavaScript's order: f32x4.pmax(m, v) is exactly `v > m ? v : m`, so
// ties, signed zeros and NaN come out as they did.

@inline function gt(m: f32, v: f32): f32 {
  return v > m ? v : m;
}

export function dilate3x3(src: usize, w: i32, h: i32, rows: usize, out: usize): void {
  for (let y = 0; y < h; y++) {
    const o = src + (<usize>(y * w) << 2);
    const t = rows + (<usize>(y * w) << 2);
    if (w === 1) {
      store<f32>(t, load<f32>(o));
      continue;
    }
    store<f32>(t, gt(load<f32>(o), load<f32>(o, 4)));
    let x = 1;
    for (; x + 4 < w; x += 4) {
      const p = o + (<usize>x << 2);
      const m = f32x4.pmax(f32x4.pmax(v128.load(p), v128.load(p - 4)), v128.load(p + 4));
      v128.store(t + (<usize>x << 2), m);
    }
    for (; x < w - 1; x++) {
      const p = o + (<usize>x << 2);
      store<f32>(t + (<usize>x << 2), gt(gt(load<f32>(p), load<f32>(p - 4)), load<f32>(p + 4)));
    }
    const p = o + (<usize>(w - 1) << 2);
    store<f32>(t + (<usize>(w - 1) << 2), gt(load<f32>(p), load<f32>(p - 4)));
  }
  for (let y = 0; y < h; y++) {
    const c = rows + (<usize>(y * w) << 2);
    const d = out + (<usize>(y * w) << 2);
    const hasUp = y > 0;
    const hasDown = y < h - 1;
    const up = c - (<usize>w << 2);
    const down = c + (<usize>w << 2);
    let x = 0;
    for (; x + 4 <= w; x += 4) {
      const k = <usize>x << 2;
      let m = v128.load(c + k);
      if (hasUp) m = f32x4.pmax(m, v128.load(up + k));
      if (hasDown) m = f32x4.pmax(m, v128.load(down + k));
      v128.store(d + k, m);
    }
    for (; x < w; x++) {
      const k = <usize>x << 2;
      let m = load<f32>(c + k);
      if (hasUp) m = gt(m, load<f32>(up + k));
      if (hasDown) m = gt(m, load<f32>(down + k));
      store<f32>(d + k, m);
    }
  }
}
