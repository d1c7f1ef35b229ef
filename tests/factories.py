"""factory_boy factories for the models tests build."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from customers.models import Contact, Customer, FollowUp
from opportunities.models import FunnelStage, Opportunity, SalesTarget
from salesops.accounts.models import Team, User
from salesops.core.models import Notification, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = "华东"


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `role=` names the role group (rep unless given, "" for none)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests-1")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        name = "rep" if extracted is None else extracted
        if create and name:
            self.groups.add(Group.objects.get(name=name))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"销售{n}部")
    manager = factory.SubFactory(UserFactory, role="manager")
    region = factory.SubFactory(RegionFactory)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    owner = factory.SubFactory(UserFactory)
    owner_since = factory.LazyAttribute(lambda c: timezone.now() if c.owner else None)
    region = factory.SubFactory(RegionFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "采购经理"
    decision_role = "purchaser"
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    customer = factory.SubFactory(CustomerFactory)
    author = factory.LazyAttribute(lambda f: f.customer.owner)
    occurred_at = factory.LazyFunction(timezone.now)
    logged_at = factory.LazyAttribute(lambda f: f.occurred_at)
    channel = "phone"
    content = "电话沟通需求"


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"提醒 {n}")


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A deal straight in the database (no history); tests of the rules use the services."""

    class Meta:
        model = Opportunity

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.LazyAttribute(lambda o: o.customer.owner)
    name = factory.Sequence(lambda n: f"商机{n}")
    amount = 100000
    expected_close = factory.LazyFunction(lambda: timezone.localdate())
    stage = factory.LazyFunction(lambda: FunnelStage.objects.get(level=1))


class SalesTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesTarget

    owner = factory.SubFactory(UserFactory)
    period = "quarter"
    period_start = factory.LazyFunction(
        lambda: timezone.localdate().replace(
            month=3 * ((timezone.localdate().month - 1) // 3) + 1, day=1
        )
    )
    sales_target = 1000000
