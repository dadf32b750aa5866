'use strict';
// Bench peer: a socket.io 4.8 room broadcast server with the floor's semantics (no auth, no
// persistence). Loopback only; stops by itself after --max-seconds.
//
//   node server.js --port 9091 [--host 127.0.0.1] [--max-seconds 3600]
//
// Events a client emits:
//   "join"  room                       -> the socket joins room (no ack: the generator probes)
//   "send"  {room, content, client_id}, ack
//           -> ack({id, room, content, client_id}) to the sender and
//              io.to(room).emit("message", {id, room, content, client_id}) to the room
// GET /health answers {"status":"ok","socketio":true} so run.sh can wait for it.
const http = require('http');
const { Server } = require('socket.io');

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const host = arg('host', '127.0.0.1');
const port = Number(arg('port', '9091'));
const maxSeconds = Number(arg('max-seconds', '3600'));
if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
  console.error('socketio peer: loopback only, refusing host ' + host);
  process.exit(2);
}

const httpServer = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok","socketio":true}');
    return;
  }
  // socket.io handles /socket.io/ itself; everything else is not served.
  if (!req.url.startsWith('/socket.io/')) {
    res.writeHead(404);
    res.end();
  }
});

const io = new Server(httpServer, {
  serveClient: false,
  // Same shape as the bridge's limits: small frames, no compression (the floor and the
  // system do not compress either).
  perMessageDeflate: false,
  httpCompression: false,
  maxHttpBufferSize: 64 * 1024,
});

let nextId = 1;
let connected = 0;
io.on('connection', (socket) => {
  connected++;
  socket.on('join', (room) => {
    if (typeof room === 'string' && room.length <= 200) {
      socket.join(room);
    }
  });
  socket.on('send', (msg, ack) => {
    if (!msg || typeof msg.room !== 'string' || typeof msg.content !== 'string') {
      if (typeof ack === 'function') {
        ack({ error: 'bad message' });
      }
      return;
    }
    const out = { id: nextId++, room: msg.room, content: msg.content, client_id: msg.client_id };
    if (typeof ack === 'function') {
      ack(out);
    }
    io.to(msg.room).emit('message', out);
  });
  socket.on('disconnect', () => {
    connected--;
  });
});

httpServer.listen(port, host, () => {
  console.log(`socketio peer: socket.io ${require('socket.io/package.json').version} on node ${process.version}, ` +
    `listening on ${host}:${port}, pid ${process.pid}, stops after ${maxSeconds} s`);
});

function stop(why) {
  console.log(`socketio peer: stopping (${why}), ${connected} sockets connected`);
  io.close();
  httpServer.close();
  setTimeout(() => process.exit(0), 1000).unref();
}
setTimeout(() => stop('max-seconds reached'), maxSeconds * 1000).unref();
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
