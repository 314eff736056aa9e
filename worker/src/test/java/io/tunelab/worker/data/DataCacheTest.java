package io.tunelab.worker.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataCacheTest {
    @TempDir
    Path root;
    /** The names of the files read, in order. */
    final List<String> reads = new CopyOnWriteArrayList<>();
    DataSandbox sandbox;

    @BeforeEach
    void files() throws IOException {
        root = root.toRealPath();
        for (String name : List.of("a", "b", "c")) {
            Files.writeString(root.resolve(name + ".csv"), "x,target\n1,a\n2,b\n3,a\n4,b\n");
        }
        sandbox = DataSandbox.of(List.of(root), 1 << 20, real -> {
            reads.add(real.getFileName().toString());
            return Files.newInputStream(real);
        });
    }

    static DatasetSpec spec(String path) {
        return new DatasetSpec(new DatasetSource.CsvFile(path), "target", TaskType.CLASSIFICATION, new DatasetSpec.Holdout(0.2));
    }

    @Test
    void itKeepsTheMostRecentlyUsedDatasetsUpToItsEntryBound() {
        var cache = new DataCache(sandbox, 2, 1L << 30);

        cache.prepare(spec("a.csv"));
        cache.prepare(spec("b.csv"));
        cache.prepare(spec("a.csv"));
        cache.prepare(spec("c.csv"));
        cache.prepare(spec("a.csv"));
        cache.prepare(spec("b.csv"));

        assertThat(reads).containsExactly("a.csv", "b.csv", "c.csv", "b.csv");
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void itKeepsWithinItsByteBoundButAlwaysKeepsTheLastDataset() {
        long one = DataCache.estimatedBytes(DataCache.prepare(sandbox.read("a.csv"), spec("a.csv")));
        reads.clear();
        var cache = new DataCache(sandbox, 10, one + one / 2);

        cache.prepare(spec("a.csv"));
        cache.prepare(spec("b.csv"));
        cache.prepare(spec("b.csv"));
        cache.prepare(spec("a.csv"));

        assertThat(reads).containsExactly("a.csv", "b.csv", "a.csv");
        assertThat(cache.size()).isEqualTo(1);

        var tiny = new DataCache(sandbox, 10, 1);
        tiny.prepare(spec("c.csv"));
        tiny.prepare(spec("c.csv"));
        assertThat(reads).endsWith("c.csv").filteredOn("c.csv"::equals).hasSize(1);
    }

    @Test
    void aChangedFileIsReadAgainAndARefusalOrErrorIsNotKept() throws IOException {
        var cache = new DataCache(sandbox, 4, 1L << 30);
        assertThat(cache.prepare(spec("a.csv")).dataset().rows()).isEqualTo(4);
        Files.writeString(root.resolve("a.csv"), "x,target\n1,a\n2,b\n3,a\n4,b\n5,a\n");

        assertThat(cache.prepare(spec("a.csv")).dataset().rows()).isEqualTo(5);
        assertThatThrownBy(() -> cache.prepare(spec("/etc/passwd"))).isInstanceOf(DataRefusedException.class);
        Files.writeString(root.resolve("bad.csv"), "x,target\n1,2,3\n");
        assertThatThrownBy(() -> cache.prepare(spec("bad.csv"))).isInstanceOf(UnusableDataException.class);
        assertThatThrownBy(() -> cache.prepare(spec("bad.csv"))).isInstanceOf(UnusableDataException.class);

        assertThat(reads).containsExactly("a.csv", "a.csv", "bad.csv", "bad.csv");
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void bundledDatasetsNeedNoRoot() {
        var cache = new DataCache(DataSandbox.bundledOnly(), 2, 1L << 30);
        var iris = new DatasetSpec(new DatasetSource.Bundled("iris"), "target", TaskType.CLASSIFICATION, new DatasetSpec.Holdout(0.2));

        assertThat(cache.prepare(iris)).isSameAs(cache.prepare(iris));
    }
}
