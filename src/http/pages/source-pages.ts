import type { Router } from 'express';
import type { App } from '../../app.ts';
import { guardedRouter, type Guard } from '../guard.ts';

export function createSourcePages(_app: App, guard: Guard): Router {
  return guardedRouter(guard, '', 'page');
}
