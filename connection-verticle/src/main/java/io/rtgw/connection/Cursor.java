package io.rtgw.connection;

import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Position;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The opaque cursor HTTP clients hold: the positions (epoch + offset) of every channel of one stream or
 * poll, in one URL-safe string.
 *
 * <p>Wire form, base64url without padding: a version byte, the entry count, then per channel its 64-bit
 * FNV-1a name hash, the epoch (length byte + UTF-8) and the offset (varint), and a CRC-32 of all that.
 * Channels are stored as hashes, not names, because the request names its channels anyway and a name may
 * be 160 characters: 32 channels with six-character epochs take under 800 characters, and even 64-byte
 * epochs stay under 3.6 KB. The checksum and the canonical-encoding check turn any damaged or edited
 * cursor into a {@code bad_request}; the cursor is not a credential (positions are no secret, and access
 * is checked per channel on every request), so a checksum is enough and no key needs to be shared.
 */
public final class Cursor {

  static final int VERSION = 1;
  /** Epochs are short strings; the bound keeps the cursor of many channels well under 4 KB. */
  public static final int MAX_EPOCH_BYTES = 64;
  /** Longer text cannot be a cursor of this server: refused before it is decoded. */
  static final int MAX_TEXT_LENGTH = 32 * 1024;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final String ADVICE = " Pass a cursor back exactly as the server gave it, or leave it out to start at now.";

  private final Map<Long, Position> positions;

  private Cursor(Map<Long, Position> positions) {
    this.positions = positions;
  }

  /** The position the cursor holds for {@code channel}, or null when it does not cover that channel. */
  public Position positionOf(String channel) {
    return positions.get(hash(channel));
  }

  public int size() {
    return positions.size();
  }

  /** Encodes the positions of a stream's or poll's channels. */
  public static String encode(Map<String, Position> channels) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2 + channels.size() * 24 + 4);
    out.write(VERSION);
    writeVarint(out, channels.size());
    for (Map.Entry<String, Position> e : channels.entrySet()) {
      long h = hash(e.getKey());
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (h >>> shift));
      }
      byte[] epoch = e.getValue().epoch().getBytes(StandardCharsets.UTF_8);
      if (epoch.length == 0 || epoch.length > MAX_EPOCH_BYTES) {
        throw new IllegalArgumentException("an epoch must be 1 to " + MAX_EPOCH_BYTES + " bytes: " + e.getValue());
      }
      out.write(epoch.length);
      out.write(epoch, 0, epoch.length);
      writeVarint(out, e.getValue().offset());
    }
    CRC32 crc = new CRC32();
    crc.update(out.toByteArray());
    long sum = crc.getValue();
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.write((int) (sum >>> shift));
    }
    return ENCODER.encodeToString(out.toByteArray());
  }

  /** A cursor holding these positions (also the form a client's {@code since=} parameters take). */
  public static Cursor of(Map<String, Position> channels) {
    Map<Long, Position> positions = new HashMap<>();
    channels.forEach((channel, position) -> positions.put(hash(channel), position));
    return new Cursor(positions);
  }

  /** This cursor, plus {@code more} for the channels it does not cover. */
  public Cursor with(Map<String, Position> more) {
    Map<Long, Position> merged = new HashMap<>(positions);
    more.forEach((channel, position) -> merged.putIfAbsent(hash(channel), position));
    return new Cursor(merged);
  }

  /** Decodes a cursor a client handed back; anything this server could not have issued is a bad request. */
  public static Cursor parse(String text) {
    if (text == null || text.isEmpty()) {
      throw bad("The cursor is empty.");
    }
    if (text.length() > MAX_TEXT_LENGTH) {
      throw bad("The cursor is too long to be one this server issued.");
    }
    byte[] bytes;
    try {
      bytes = DECODER.decode(text);
    } catch (IllegalArgumentException e) {
      throw bad("The cursor is not one this server issued (not base64url).");
    }
    // the decoder ignores stray bits in the last character: an edit there must not pass unnoticed
    if (!ENCODER.encodeToString(bytes).equals(text)) {
      throw bad("The cursor is not one this server issued (not canonical base64url).");
    }
    if (bytes.length < 6) {
      throw bad("The cursor is too short to be one this server issued.");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
      throw bad("The cursor is damaged (its checksum does not match).");
    }
    if ((in.get() & 0xff) != VERSION) {
      throw bad("The cursor comes from another version of the server.");
    }
    long count = readVarint(in);
    if (count > in.remaining() / 11) {
      throw bad("The cursor is malformed (entry count).");
    }
    Map<Long, Position> positions = new HashMap<>();
    for (long i = 0; i < count; i++) {
      if (in.remaining() < 8 + 1) {
        throw bad("The cursor is malformed (truncated).");
      }
      long h = in.getLong();
      int epochLength = in.get() & 0xff;
      if (epochLength == 0 || epochLength > MAX_EPOCH_BYTES || in.remaining() < epochLength) {
        throw bad("The cursor is malformed (epoch).");
      }
      byte[] epoch = new byte[epochLength];
      in.get(epoch);
      long offset = readVarint(in);
      if (positions.put(h, new Position(new String(epoch, StandardCharsets.UTF_8), offset)) != null) {
        throw bad("The cursor is malformed (a channel appears twice).");
      }
    }
    if (in.hasRemaining()) {
      throw bad("The cursor is malformed (trailing bytes).");
    }
    return new Cursor(positions);
  }

  /** 64-bit FNV-1a over the name's characters (channel names are ASCII). */
  static long hash(String channel) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < channel.length(); i++) {
      h ^= channel.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("offsets are never negative: " + value);
    }
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static long readVarint(ByteBuffer in) {
    long value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (!in.hasRemaining()) {
        throw bad("The cursor is malformed (truncated number).");
      }
      int b = in.get() & 0xff;
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw bad("The cursor is malformed (number too large).");
  }

  private static GatewayException bad(String sentence) {
    return GatewayException.badRequest(sentence + ADVICE);
  }
}
