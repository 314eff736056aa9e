package io.tunelab.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Artifact names are plain file names: safe in a path, a URL and a Content-Disposition header. */
class ArtifactNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"model.zip", "loss-curve.png", "ckpt_3.bin", "a", "README", "x.tar.gz", "0"})
    void plainFileNamesAreAccepted(String name) {
        assertThat(Artifact.checkName(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "..", ".", "a/b", "a\\b", ".hidden", "-rf", "sp ace", "quo\"te", "semi;colon",
            "new\nline", "tab\t", "é.txt", "a:b", "%2e%2e"})
    void namesWithPathPartsOrOtherCharactersAreRefusedSayingWhatIsAllowed(String name) {
        assertThatThrownBy(() -> Artifact.checkName(name)).isInstanceOf(TunelabException.InvalidArgument.class)
                .hasMessageContaining("not a plain file name").hasMessageContaining("letters, digits");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 201, 5000})
    void emptyOrOverlongNamesAreRefusedWithTheLimit(int length) {
        String name = "a".repeat(length);
        assertThatThrownBy(() -> Artifact.checkName(name)).isInstanceOf(TunelabException.InvalidArgument.class)
                .hasMessageContaining(length == 0 ? "needs a name" : "at most 200");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ok", "a.b", "team/vision", "v1:final", "x-y_z"})
    void tagsAcceptLettersDigitsAndSeparators(String tag) {
        assertThat(ExperimentLabels.checkTag(tag)).isEqualTo(tag);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-lead", "has space", "quo\"te", "<b>"})
    void badTagsAreRefused(String tag) {
        assertThatThrownBy(() -> new ExperimentLabels(java.util.List.of(tag), null, false))
                .isInstanceOf(TunelabException.InvalidArgument.class).hasMessageContaining("is not valid");
    }
}
