// A stable share of the images for one job of a CI matrix: an image belongs to the shard its
// repository-relative path hashes to, so N jobs split the work with no coordination, every image
// in exactly one of them, and adding unrelated files moves nothing.
import { createHash } from 'node:crypto';
import type { Shard } from './args';

/** 1..count: the shard of an image, by its path relative to the repository (`/` separators). */
export function shardOf(repoPath: string, count: number): number {
  const digest = createHash('sha256').update(repoPath, 'utf8').digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(repoPath: string, shard: Shard | undefined): boolean {
  return !shard || shardOf(repoPath, shard.count) === shard.index;
}
