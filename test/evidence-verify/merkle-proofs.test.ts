import { describe, expect, it } from 'vitest';
import {
  hashChildren,
  hashLeaf,
  inclusionProofLength,
  rootFromInclusion,
  verifyConsistency,
  verifyInclusion,
} from '../../src/evidence-verify/verify-package.mjs';
import { consistencyProofOf, inclusionPathOf, leafHashOf, treeHashOf } from './merkle-reference.ts';

/*
 * Reference vectors shared by the Certificate Transparency implementations (C++ and Go; here as in
 * github.com/transparency-dev/merkle proof/verify_test.go): eight leaves and the root of every
 * prefix. Proof vectors there name leaves from 1; here they are 0-based.
 */
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) => Buffer.from(hex, 'hex'));
const CT_EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_INCLUSION = [
  { index: 0, size: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, size: 5, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];
const CT_CONSISTENCY = [
  { size1: 1, size2: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { size1: 6, size2: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { size1: 2, size2: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { size1: 6, size2: 7, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];
const SOME_HASH = 'abacaba000000000000000000000000000000000000000000060061e00123456';

const hex = (bytes: Buffer | undefined) => bytes?.toString('hex');
const flipBit = (hash: string, mask: number) => Buffer.from(hash, 'hex').map((byte, i) => (i === 0 ? byte ^ mask : byte));

/** The corruptions the reference suite tries; none may verify. */
function corruptInclusions(index: number, size: number, proof: string[], root: string, leafHash: Buffer) {
  const probes: [string, Parameters<typeof verifyInclusion>[0]][] = [
    ['index - 1', { index: index - 1, size, leafHash, proof, rootHash: root }],
    ['index + 1', { index: index + 1, size, leafHash, proof, rootHash: root }],
    ['index ^ 2', { index: index ^ 2, size, leafHash, proof, rootHash: root }],
    ['size * 2', { index, size: size * 2, leafHash, proof, rootHash: root }],
    ['size / 2', { index, size: Math.floor(size / 2), leafHash, proof, rootHash: root }],
    ['wrong leaf', { index, size, leafHash: Buffer.from('WrongLeaf'), proof, rootHash: root }],
    ['empty root', { index, size, leafHash, proof, rootHash: CT_EMPTY_ROOT }],
    ['random root', { index, size, leafHash, proof, rootHash: SOME_HASH }],
    ['trailing garbage', { index, size, leafHash, proof: [...proof, ''], rootHash: root }],
    ['trailing root', { index, size, leafHash, proof: [...proof, root], rootHash: root }],
    ['preceding garbage', { index, size, leafHash, proof: ['', ...proof], rootHash: root }],
    ['preceding root', { index, size, leafHash, proof: [root, ...proof], rootHash: root }],
  ];
  proof.forEach((_, i) => {
    const wrong: (string | Uint8Array)[] = [...proof];
    wrong[i] = flipBit(proof[i], 8);
    probes.push([`modified proof[${i}]`, { index, size, leafHash, proof: wrong, rootHash: root }]);
  });
  if (proof.length > 0) probes.push(['removed component', { index, size, leafHash, proof: proof.slice(0, -1), rootHash: root }]);
  if (proof.length > 1) probes.push(['inserted component', { index, size, leafHash, proof: [proof[0], SOME_HASH, ...proof.slice(1)], rootHash: root }]);
  if (proof.length > 1) probes.push(['swapped components', { index, size, leafHash, proof: [proof[1], proof[0], ...proof.slice(2)], rootHash: root }]);
  return probes;
}

function corruptConsistencies(size1: number, size2: number, root1: string, root2: string, proof: string[]) {
  const probes: [string, Parameters<typeof verifyConsistency>[0]][] = [
    ['size1 - 1', { size1: size1 - 1, size2, root1, root2, proof }],
    ['size1 + 1', { size1: size1 + 1, size2, root1, root2, proof }],
    ['size1 ^ 2', { size1: size1 ^ 2, size2, root1, root2, proof }],
    ['size2 * 2', { size1, size2: size2 * 2, root1, root2, proof }],
    ['size2 / 2', { size1, size2: Math.floor(size2 / 2), root1, root2, proof }],
    ['wrong root1', { size1, size2, root1: Buffer.from('WrongRoot'), root2, proof }],
    ['wrong root2', { size1, size2, root1, root2: Buffer.from('WrongRoot'), proof }],
    ['swapped roots', { size1, size2, root1: root2, root2: root1, proof }],
    ['empty proof', { size1, size2, root1, root2, proof: [] }],
    ['trailing garbage', { size1, size2, root1, root2, proof: [...proof, ''] }],
    ['trailing root1', { size1, size2, root1, root2, proof: [...proof, root1] }],
    ['trailing root2', { size1, size2, root1, root2, proof: [...proof, root2] }],
    ['preceding garbage', { size1, size2, root1, root2, proof: ['', ...proof] }],
    ['preceding root1', { size1, size2, root1, root2, proof: [root1, ...proof] }],
    ['preceding root2', { size1, size2, root1, root2, proof: [root2, ...proof] }],
    ['preceding proof[0]', { size1, size2, root1, root2, proof: [proof[0], ...proof] }],
    ['truncated proof', { size1, size2, root1, root2, proof: proof.slice(0, -1) }],
  ];
  proof.forEach((_, i) => {
    const wrong: (string | Uint8Array)[] = [...proof];
    wrong[i] = flipBit(proof[i], 16);
    probes.push([`modified proof[${i}]`, { size1, size2, root1, root2, proof: wrong }]);
  });
  return probes;
}

const accepted = <T,>(probes: [string, T][], verify: (input: T) => boolean) => probes.filter(([, input]) => verify(input)).map(([name]) => name);

describe('RFC 6962 hashing against the Certificate Transparency reference vectors', () => {
  const leaves = CT_LEAVES.map((leaf) => hashLeaf(leaf));

  it('gives the published root for every tree size 0..8 (reference MTH over the verifier\'s leaf hashes)', () => {
    expect(hex(treeHashOf([]))).toBe(CT_EMPTY_ROOT);
    expect(hex(hashLeaf(''))).toBe(CT_ROOTS[0]);
    expect(leaves.map((leaf, i) => hex(leaf) === hex(leafHashOf(CT_LEAVES[i])))).not.toContain(false);
    for (let size = 1; size <= 8; size++) expect(hex(treeHashOf(leaves.slice(0, size))), `size ${size}`).toBe(CT_ROOTS[size - 1]);
    expect(hex(hashChildren(leaves[0], leaves[1]))).toBe(CT_ROOTS[1]);
  });

  it('verifies the published inclusion proofs, and none of their corruptions', () => {
    for (const { index, size, proof } of CT_INCLUSION) {
      const root = CT_ROOTS[size - 1];
      const input = { index, size, leafHash: leaves[index], proof };
      expect(hex(rootFromInclusion(input)), `${index}/${size}`).toBe(root);
      expect(verifyInclusion({ ...input, rootHash: root })).toBe(true);
      expect(verifyInclusion({ ...input, proof: proof.map((h) => Buffer.from(h, 'hex')), rootHash: Buffer.from(root, 'hex') })).toBe(true);
      expect(inclusionProofLength(index, size)).toBe(proof.length);
      expect(inclusionPathOf(index, leaves.slice(0, size)).map(hex), 'reference PATH').toEqual(proof);
      expect(accepted(corruptInclusions(index, size, proof, root, leaves[index]), verifyInclusion), `${index}/${size}`).toEqual([]);
    }
  });

  it('a one-leaf tree: the leaf hash is the root and the proof is empty', () => {
    const leaf = hashLeaf('data');
    expect(verifyInclusion({ index: 0, size: 1, leafHash: leaf, proof: [], rootHash: leaf })).toBe(true);
    expect(verifyInclusion({ index: 0, size: 1, leafHash: leaf, proof: [], rootHash: '' })).toBe(false);
    expect(verifyInclusion({ index: 0, size: 1, leafHash: '', proof: [], rootHash: leaf })).toBe(false);
    for (const [index, size] of [[0, 0], [1, 0], [2, 1], [-1, 3], [0.5, 3]]) {
      expect(verifyInclusion({ index, size, leafHash: SOME_HASH, proof: [], rootHash: CT_EMPTY_ROOT })).toBe(false);
    }
  });

  it('verifies the published consistency proofs, and none of their corruptions', () => {
    for (const { size1, size2, proof } of CT_CONSISTENCY) {
      const root1 = CT_ROOTS[size1 - 1];
      const root2 = CT_ROOTS[size2 - 1];
      expect(verifyConsistency({ size1, size2, root1, root2, proof }), `${size1}->${size2}`).toBe(true);
      expect(consistencyProofOf(size1, leaves.slice(0, size2)).map(hex), 'reference PROOF').toEqual(proof);
      expect(accepted(corruptConsistencies(size1, size2, root1, root2, proof), verifyConsistency), `${size1}->${size2}`).toEqual([]);
    }
  });

  it('trivial consistency: equal sizes need equal roots and no proof; from the empty tree, no proof', () => {
    const [a, b] = [CT_ROOTS[0], CT_ROOTS[1]];
    expect(verifyConsistency({ size1: 1, size2: 1, root1: a, root2: a, proof: [] })).toBe(true);
    expect(verifyConsistency({ size1: 1, size2: 1, root1: a, root2: b, proof: [] })).toBe(false);
    expect(verifyConsistency({ size1: 1, size2: 1, root1: a, root2: a, proof: [CT_EMPTY_ROOT] })).toBe(false);
    expect(verifyConsistency({ size1: 0, size2: 1, root1: CT_EMPTY_ROOT, root2: a, proof: [] })).toBe(true);
    expect(verifyConsistency({ size1: 0, size2: 1, root1: CT_EMPTY_ROOT, root2: a, proof: [CT_EMPTY_ROOT] })).toBe(false);
    expect(verifyConsistency({ size1: 2, size2: 1, root1: b, root2: a, proof: [] })).toBe(false);
    expect(verifyConsistency({ size1: 1, size2: 2, root1: a, root2: b, proof: [] })).toBe(false);
  });
});

describe('proofs generated by the plain RFC 6962 reference, every shape of tree', () => {
  const MAX_SIZE = 40;
  const leaves = Array.from({ length: MAX_SIZE }, (_, i) => leafHashOf(`leaf ${i}`));

  it('every inclusion proof in trees of 1..40 leaves verifies; a wrong index, size or leaf does not', () => {
    for (let size = 1; size <= MAX_SIZE; size++) {
      const tree = leaves.slice(0, size);
      const root = treeHashOf(tree);
      for (let index = 0; index < size; index++) {
        const proof = inclusionPathOf(index, tree);
        expect(inclusionProofLength(index, size), `${index}/${size}`).toBe(proof.length);
        expect(verifyInclusion({ index, size, leafHash: tree[index], proof, rootHash: root }), `${index}/${size}`).toBe(true);
        if (size > 1) expect(verifyInclusion({ index: (index + 1) % size, size, leafHash: tree[index], proof, rootHash: root })).toBe(false);
        expect(verifyInclusion({ index, size: size * 2, leafHash: tree[index], proof, rootHash: root })).toBe(false);
        expect(verifyInclusion({ index, size, leafHash: leafHashOf("not in the tree"), proof, rootHash: root })).toBe(false);
      }
    }
  });

  it('every consistency proof between sizes 1..40 verifies; against a different later tree it does not', () => {
    const other = leaves.map((leaf, i) => (i % 7 === 6 ? leafHashOf(`other ${i}`) : leaf));
    for (let size2 = 1; size2 <= MAX_SIZE; size2++) {
      const root2 = treeHashOf(leaves.slice(0, size2));
      const otherRoot2 = treeHashOf(other.slice(0, size2));
      for (let size1 = 1; size1 <= size2; size1++) {
        const root1 = treeHashOf(leaves.slice(0, size1));
        const proof = consistencyProofOf(size1, leaves.slice(0, size2));
        expect(verifyConsistency({ size1, size2, root1, root2, proof }), `${size1}->${size2}`).toBe(true);
        if (!otherRoot2.equals(root2)) expect(verifyConsistency({ size1, size2, root1, root2: otherRoot2, proof })).toBe(false);
      }
    }
  });

  it('counts proof lengths exactly for indices above 2^32 (no 32-bit shifts)', () => {
    const size = 2 ** 40 + 3;
    expect(inclusionProofLength(0, size)).toBe(41);
    expect(inclusionProofLength(size - 1, size)).toBe(2);
    expect(inclusionProofLength(2 ** 40, size)).toBe(3);
    expect(() => inclusionProofLength(5, 5)).toThrow(RangeError);
  });
});
