import { describe, expect, it } from 'vitest';
import { createRenderSlots } from '../../src/render/render-slots.ts';

describe('render slots', () => {
  it('lets `limit` through, queues the rest in order, and drops a waiter whose signal aborts', async () => {
    const slots = createRenderSlots(2);
    const never = new AbortController().signal;
    const first = await slots.acquire(never);
    const second = await slots.acquire(never);
    const order: string[] = [];
    const third = slots.acquire(never).then((release) => (order.push('third'), release));
    const giveUp = new AbortController();
    const abandoned = slots.acquire(giveUp.signal).then(() => 'granted', (reason: unknown) => String(reason));
    const fourth = slots.acquire(never).then((release) => (order.push('fourth'), release));
    await Promise.resolve();
    expect(order).toEqual([]);

    giveUp.abort('timed out');
    expect(await abandoned).toBe('timed out');
    first();
    first(); // a second release of the same slot frees nothing more
    const releaseThird = await third;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual(['third']);
    second();
    const releaseFourth = await fourth;
    expect(order).toEqual(['third', 'fourth']);
    releaseThird();
    releaseFourth();
    // Both slots are free again: two more get through at once.
    await Promise.all([slots.acquire(never), slots.acquire(never)]);
  });
});
