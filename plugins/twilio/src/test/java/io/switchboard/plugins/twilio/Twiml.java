package io.switchboard.plugins.twilio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/** Reads TwiML answers with a real XML parser, and the test menu as the hub's YAML parser delivers it. */
final class Twiml {

  private final Document doc;

  private Twiml(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    } catch (Exception e) {
      throw new AssertionError("not well-formed XML: " + xml, e);
    }
  }

  static Twiml of(String xml) {
    return new Twiml(xml);
  }

  /** The string value of an XPath expression ("" when it selects nothing). */
  String at(String xpath) {
    try {
      return (String) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.STRING);
    } catch (Exception e) {
      throw new AssertionError("bad XPath " + xpath, e);
    }
  }

  /** How many nodes an XPath expression selects. */
  int count(String xpath) {
    return Integer.parseInt(at("count(" + xpath + ")"));
  }

  /** The names of the verbs under Response, in order. */
  java.util.List<String> verbs() {
    java.util.List<String> names = new java.util.ArrayList<>();
    org.w3c.dom.NodeList children = doc.getDocumentElement().getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof org.w3c.dom.Element e) {
        names.add(e.getTagName());
      }
    }
    return names;
  }

  /** The test menu (src/test/resources/ivr-menu.yaml), the value of channels.twilio.ivr. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> menu() {
    try (InputStream in = Twiml.class.getResourceAsStream("/ivr-menu.yaml")) {
      return (Map<String, Object>) new ObjectMapper(new YAMLFactory()).readValue(in, Map.class).get("ivr");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
