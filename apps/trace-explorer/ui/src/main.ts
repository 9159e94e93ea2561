import { el } from './dom.js';
import { renderList } from './list-view.js';
import { renderMap } from './map-view.js';
import { renderTrace } from './trace-view.js';

const content = document.getElementById('content')!;
const status = document.getElementById('status')!;
const traceMatch = /^\/trace\/([^/]+)$/.exec(location.pathname);

if (traceMatch) {
  document.title = `Trace ${traceMatch[1]} · trace explorer`;
  renderTrace(content, decodeURIComponent(traceMatch[1]));
} else if (location.pathname === '/map') {
  document.title = 'Service map · trace explorer';
  renderMap(content).catch((error: Error) => content.replaceChildren(el('p', { class: 'message' }, `Cannot draw the map: ${error.message}`)));
} else {
  renderList(content, status);
}
