package io.switchboard.runtime.tenant;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.quartz.CronExpression;

/** A Quartz cron expression; null is left to {@code @NotNull}. The message says what Quartz found wrong. */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Cron.Validator.class)
public @interface Cron {

  String message() default TenantFile.CRON_HELP;

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  /** Parses the expression with Quartz itself, so the file is refused for exactly what Quartz would refuse. */
  final class Validator implements ConstraintValidator<Cron, String> {
    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      if (value == null) {
        return true;
      }
      try {
        new CronExpression(value);
        return true;
      } catch (java.text.ParseException e) {
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate("'" + value.replace("{", "\\{").replace("$", "\\$") + "' is not a cron expression ("
            + e.getMessage().replace("{", "\\{").replace("$", "\\$") + "); " + TenantFile.CRON_HELP).addConstraintViolation();
        return false;
      }
    }
  }
}
