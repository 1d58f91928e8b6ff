// The Socket.IO peer: `node --expose-gc server.js <port>`, on 127.0.0.1 only.
// A client joins the room named in its handshake query (?room=r) before its connect is acknowledged;
// with ?user=u it also joins the room user:u (the bench's personal channels, direct messages);
// the event `pub` (room, data) broadcasts `m` (data) to the room. Connection state recovery is on, so a
// dropped client that comes back with its session id and last offset gets what it missed: the
// reconnect storm measures that. Both of Socket.IO's transports are on, as by default: WebSocket
// clients open with transport=websocket directly, long-polling clients stay on Engine.IO polling (they
// are free not to upgrade), so the long-poll scenarios measure Socket.IO's own long polling.
'use strict';
const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2]);
const httpServer = http.createServer((req, res) => {
  if (req.url === '/gc') {
    // lets the runner measure memory after a collection, like jcmd GC.run for the JVM servers
    if (global.gc) global.gc();
    res.end('ok');
  } else {
    res.end('socketio');
  }
});

const io = new Server(httpServer, {
  transports: ['polling', 'websocket'],
  serveClient: false,
  connectionStateRecovery: { maxDisconnectionDuration: 120000, skipMiddlewares: true },
});

io.use((socket, next) => {
  const room = socket.handshake.query.room;
  if (room) socket.join(room);
  // an identified client (?user=) also joins its personal room, as the gateway subscribes user:<id>
  const user = socket.handshake.query.user;
  if (user) socket.join('user:' + user);
  next();
});

io.on('connection', (socket) => {
  socket.on('pub', (room, data) => io.to(room).emit('m', data));
});

httpServer.listen(port, '127.0.0.1', () => console.log(`socketio listening on 127.0.0.1:${port}`));
