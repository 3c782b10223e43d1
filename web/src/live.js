// The live updates of every open page of one cicada, over one server-sent event stream (GET events).
//
// Why shared: a browser keeps at most 6 HTTP/1.1 connections per host, and a stream holds one for as long
// as the page is open, so a 7th page of the UI could not even load. The pages of one origin elect one
// leader with a Web Lock; only the leader opens the stream and passes each event (and whether its stream
// is open) to the others over a BroadcastChannel. When the leader's page closes, its lock goes to another
// page, which opens the stream in turn. Where the browser has no Web Locks or BroadcastChannel, each page
// opens its own stream, as before.
//
// Whatever the source, a page that heard nothing for QUIET_MS (the server sends at least one event a
// second) asks GET stats/requests itself once a second until events flow again: a stream that does not
// open, or a leader page the browser froze, never leaves a page stale.
// Classic script loaded before app.js, which calls liveUpdates().
'use strict';

const QUIET_MS = 5000;
const CHANNEL = 'cicada-live';

// onStats(object): each stats event. onStatus(text, ok): the connection as the footer and banner say it
// ('live': this page's stream, 'live (shared)': another page's, 'polling', 'reconnecting…'); ok false:
// cicada cannot be reached. Called before onStats with each update.
function liveUpdates(onStats, onStatus) {
  let heardAt = Date.now();
  const heard = (s, how) => {
    heardAt = Date.now();
    onStatus(how, true);
    onStats(s);
  };

  function openStream(share) {
    const source = new EventSource('events');
    source.addEventListener('stats', (ev) => {
      if (share) share.postMessage({stats: ev.data});
      heard(JSON.parse(ev.data), 'live');
    });
    source.onopen = () => onStatus('live', true);
    source.onerror = () => {
      if (share) share.postMessage({lost: true});
      onStatus('reconnecting…', false);
    };
  }

  if ('locks' in navigator && typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(CHANNEL);
    let leading = false;
    channel.onmessage = (ev) => {
      if (leading) return;
      if (ev.data.stats) heard(JSON.parse(ev.data.stats), 'live (shared)');
      if (ev.data.lost) onStatus('reconnecting…', false);
    };
    // Held until the page closes (the promise never settles); the next page waiting gets it then.
    navigator.locks.request(CHANNEL, () => new Promise(() => {
                                       leading = true;
                                       openStream(channel);
                                     }));
  } else {
    openStream(null);
  }

  let polling = false;
  setInterval(async () => {
    if (polling || Date.now() - heardAt < QUIET_MS) return;
    polling = true;
    try {
      const r = await fetch('stats/requests');
      if (r.ok) {
        heard(await r.json(), 'polling');
        heardAt = Date.now() - QUIET_MS;  // poll again in a second unless an event comes first
      }
    } catch {
      onStatus('reconnecting…', false);
    } finally {
      polling = false;
    }
  }, 1000);
}
