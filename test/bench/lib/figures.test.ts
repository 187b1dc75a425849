import { describe, expect, it } from 'vitest';
import { figure } from '../../../bench/lib/figures.ts';

describe('bench figures', () => {
  it('judge a target on the measured value, not the rounded one the table shows', () => {
    const shy = figure('codec floor', 0.4977, { target: { op: '>=', value: 0.5 }, digits: 2 });
    expect(shy.value).toBe(0.5);
    expect(shy.met).toBe(false);
    expect(figure('codec floor', 0.5003, { target: { op: '>=', value: 0.5 }, digits: 2 }).met).toBe(true);
    expect(figure('p99', 99.6, { target: { op: '<', value: 100 }, digits: 0 }).met).toBe(true);
    expect(figure('p99', 100.2, { target: { op: '<', value: 100 }, digits: 0 })).toMatchObject({ value: 100, met: false });
  });
});
