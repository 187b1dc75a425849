// Typed loads and stores at element indices of arrays laid out in linear memory by the JavaScript side
// (nodes/lib/kernels/wasm.ts): each array is a byte offset, elements are addressed by index.

@inline export function getF32(base: usize, i: i32): f64 {
  return <f64>load<f32>(base + (<usize>i << 2));
}
@inline export function setF32(base: usize, i: i32, v: f64): void {
  store<f32>(base + (<usize>i << 2), <f32>v);
}
@inline export function getF64(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline export function setF64(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
@inline export function getU8(base: usize, i: i32): f64 {
  return <f64>load<u8>(base + <usize>i);
}
@inline export function setU8(base: usize, i: i32, v: i32): void {
  store<u8>(base + <usize>i, <u8>v);
}
@inline export function getI32(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
@inline export function setI32(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}
