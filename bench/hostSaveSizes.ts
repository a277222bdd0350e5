// Shared by the host save bench's runner (plain Node) and its suite (inside the extension host).
/** The images, made by the runner (FLUX_BENCH_IMAGES: a folder of `<name>.png`), not here: making a 20 MB PNG would block this host. */
export const HOST_SAVE_SIZES = [
  { name: '2.4 MB', file: 'photo-1024.png', width: 1024, height: 1024, rounds: 9 },
  { name: '20 MB', file: 'photo-2900.png', width: 2900, height: 2900, rounds: 5 },
];
