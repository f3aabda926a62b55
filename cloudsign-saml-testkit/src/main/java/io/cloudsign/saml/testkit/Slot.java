package io.cloudsign.saml.testkit;

/**
 * A part of the Response that an {@link Attack} takes over. Two attacks on one slot would silently
 * undo each other (the last one winning, or one of them finding nothing to change), so {@link
 * ResponseBuilder#with} refuses the second one and names both.
 */
enum Slot {
  DESTINATION("the Response's Destination"),
  RECIPIENT("SubjectConfirmationData's Recipient"),
  AUDIENCE("the Audience"),
  RESPONSE_ISSUER("the Response's Issuer"),
  ASSERTION_ISSUER("the Assertion's Issuer"),
  CONDITIONS("the Conditions element"),
  NOT_BEFORE("Conditions NotBefore"),
  NOT_ON_OR_AFTER("Conditions NotOnOrAfter"),
  CONFIRMATION_NOT_ON_OR_AFTER("SubjectConfirmationData's NotOnOrAfter"),
  CONFIRMATION_IN_RESPONSE_TO("SubjectConfirmationData's InResponseTo"),
  CONFIRMATION_METHOD("the SubjectConfirmation Method"),
  NAME_ID("the NameID's text"),
  SIGNED_ELEMENTS("which elements carry a signature"),
  SIGNER("the key that signs"),
  KEY_INFO("the signature's KeyInfo"),
  SIGNED_INFO("the signature's SignedInfo"),
  PLACEMENT("where the signed Assertion or Response sits"),
  DOCTYPE("the DOCTYPE"),
  ENCRYPTION("the EncryptedAssertion");

  private final String description;

  Slot(String description) {
    this.description = description;
  }

  @Override
  public String toString() {
    return description;
  }
}
