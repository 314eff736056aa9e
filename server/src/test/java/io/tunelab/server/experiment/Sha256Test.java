package io.tunelab.server.experiment;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** SHA-256 from a copied prototype: the standard's digests, and one digest per call, so threads never share one. */
class Sha256Test {
    @Test
    void digestsAreTheStandardsOwn() {
        assertThat(HexFormat.of().formatHex(Sha256.of("abc".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(HexFormat.of().formatHex(Sha256.of(new byte[0])))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        // A request key's body digest: the first 16 bytes of the body's SHA-256, base64url.
        assertThat(RequestKey.digest(null)).isEqualTo("47DEQpj8HBSa-_TImW-5JA");
    }

    @Test
    void eachCallHasADigestOfItsOwnSoThreadsDoNotMixTheirInputs() throws Exception {
        var inputs = IntStream.range(0, 2_000).mapToObj(i -> ("body " + i).getBytes(StandardCharsets.UTF_8)).toList();
        List<String> alone = inputs.stream().map(b -> HexFormat.of().formatHex(Sha256.of(b))).toList();

        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Callable<String>> calls = inputs.stream().<Callable<String>>map(b -> () -> {
                var digest = Sha256.digest();
                for (byte x : b) {
                    digest.update(x); // byte by byte, so a shared digest would interleave the threads' bytes
                }
                return HexFormat.of().formatHex(digest.digest());
            }).toList();
            var together = pool.invokeAll(calls).stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();

            assertThat(together).isEqualTo(alone);
        }
    }
}
