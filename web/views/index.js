// The views, in page order: each a module with its name (the `views=` URL parameter), title,
// when it applies to a run, how often it may redraw (ms; 0: every frame), and create(figure,
// app) -> { reset(run), update(state), samples?(list, run) }. A new view is a module and a line here.
import { attention, heatmap, history, summary } from './attention.js';
import { focus, loss, metric } from './curves.js';
import { explorer } from './explorer.js';
import { alignment } from './alignment.js';
import { heads, scores } from './heads.js';
import { map } from './map.js';

export const VIEWS = [attention, map, heads, scores, alignment, focus, loss, metric, heatmap, history, explorer, summary];
export const VIEW_NAMES = VIEWS.map((v) => v.name);

// An embed shows these unless its URL asks for others: the attention (or its map, or the
// heads and their scores, or a translation's alignment) and the loss.
export const EMBED_VIEWS = ['attention', 'map', 'heads', 'scores', 'alignment', 'loss'];
