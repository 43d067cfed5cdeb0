/** Constants the server embeds in the page (../protocol.ts PageConfig). */
import type { PageConfig } from '../protocol.js';
import { byId } from './dom.js';

export const pageConfig = JSON.parse(byId('page-config').textContent ?? '{}') as PageConfig;
