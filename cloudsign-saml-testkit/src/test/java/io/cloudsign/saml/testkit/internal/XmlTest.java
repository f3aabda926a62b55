package io.cloudsign.saml.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class XmlTest {
  @Test
  void serializeReproducesTheTemplateAttributeOrderWhichTheJdkDomWouldSort() {
    String xml =
        "<p:R ID=\"_1\" Version=\"2.0\" IssueInstant=\"t\" Destination=\"d&amp;&lt;&quot;\""
            + " xmlns:p=\"urn:p\"><I xmlns=\"urn:a\">x &amp; y &lt; z</I><E b=\"1\" a=\"2\"/></p:R>";
    assertThat(Xml.serialize(Xml.parseKeepingOrder(xml), Xml.Style.COMPACT)).isEqualTo(xml);
  }

  @Test
  void spacedEmptyStyleWritesDotNetEmptyElements() {
    Document doc = Xml.parseKeepingOrder("<a><b c=\"1\"/></a>");
    assertThat(Xml.serialize(doc, Xml.Style.SPACED_EMPTY)).isEqualTo("<a><b c=\"1\" /></a>");
  }

  @Test
  void attributesAddedAfterParsingFollowTheRecordedOnes() {
    Document doc = Xml.parseKeepingOrder("<a z=\"1\" xmlns=\"urn:x\"/>");
    doc.getDocumentElement().setAttributeNS(null, "b", "2");
    assertThat(Xml.serialize(doc, Xml.Style.COMPACT))
        .isEqualTo("<a z=\"1\" xmlns=\"urn:x\" b=\"2\"/>");
  }

  @Test
  void carriageReturnsSurviveAsCharacterReferences() {
    Document doc = Xml.parseKeepingOrder("<a>x&#xD;\ny</a>");
    assertThat(Xml.serialize(doc, Xml.Style.COMPACT)).isEqualTo("<a>x&#xD;\ny</a>");
  }

  @Test
  void untrustedParsingRefusesDoctype() {
    assertThatThrownBy(
            () -> Xml.parseUntrusted("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
