export { MsgpackSerializer, type MsgpackSerializerOptions } from './msgpack-serializer.js';
